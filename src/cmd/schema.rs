//! `okrc schema`: print the JSON Schema of the front matter, or with
//! `--config` of okrc.toml, generated from the specs the parser checks.

use clap::Args;

use super::{Outcome, print};
use crate::schema::{SchemaKind, schema_json};

const EXAMPLES: &str = "\
Examples:
  okrc schema > okrc-unit.schema.json
  okrc schema --config > okrc.schema.json

Then put `#:schema ./okrc.schema.json` on the first line of okrc.toml: Taplo, Even Better TOML
(VS Code) and Tombi complete and check its keys as you type. Editors that validate TOML front
matter can use okrc-unit.schema.json the same way.";

#[derive(Debug, Args)]
#[command(after_long_help = EXAMPLES)]
pub struct SchemaArgs {
    /// Print the schema of okrc.toml instead of the unit files' front matter.
    #[arg(long)]
    pub config: bool,
}

pub fn run(args: SchemaArgs) -> anyhow::Result<Outcome> {
    let kind = if args.config {
        SchemaKind::Config
    } else {
        SchemaKind::FrontMatter
    };
    print(schema_json(kind).as_bytes())?;
    Ok(Outcome::Success)
}
