//! Reliability (README "Writing OKRs", "okrc check", "okrc build", "okrc watch and okrc
//! serve"): nothing okrc did
//! not write is lost, check-ins are atomic and locked, no link is
//! followed, no input hangs okrc or makes it read without bound, and no
//! input forges a line of output. Each test drives the binary.

mod checkin;
mod escaping;
mod limits;
mod output;
