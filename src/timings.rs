//! How `OKRC_TIMINGS` says where the time went: every timings line
//! (`check`, `build`, `watch`, the site's phases) writes its durations the
//! same way.

use std::fmt;
use std::time::Duration;

/// A duration in milliseconds to a tenth: `12.3 ms`.
#[derive(Debug, Clone, Copy)]
pub struct Ms(pub Duration);

impl fmt::Display for Ms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1} ms", self.0.as_secs_f64() * 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duration_is_milliseconds_to_a_tenth() {
        assert_eq!(Ms(Duration::from_micros(12_345)).to_string(), "12.3 ms");
        assert_eq!(Ms(Duration::ZERO).to_string(), "0.0 ms");
        assert_eq!(Ms(Duration::from_secs(2)).to_string(), "2000.0 ms");
    }
}
