//! `okrc completions SHELL` and `okrc man`: what shells and `man` need to
//! know about the command line, generated from the clap definition itself.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, Outcome, print};

const COMPLETION_EXAMPLES: &str = "\
Examples:
  okrc completions bash > ~/.local/share/bash-completion/completions/okrc
  okrc completions zsh > ~/.zfunc/_okrc          # with fpath+=~/.zfunc before compinit
  okrc completions fish > ~/.config/fish/completions/okrc.fish
  okrc completions powershell >> $PROFILE";

#[derive(Debug, Args)]
#[command(after_long_help = COMPLETION_EXAMPLES)]
pub struct CompletionsArgs {
    /// The shell to complete okrc's commands and options in.
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "okrc", &mut script);
    print(&script)?;
    Ok(Outcome::Success)
}

const MAN_EXAMPLES: &str = "\
Examples:
  okrc man | man -l -                    read it now
  okrc man --out /usr/local/share/man/man1   install okrc.1, okrc-check.1, ... for `man okrc`";

#[derive(Debug, Args)]
#[command(after_long_help = MAN_EXAMPLES)]
pub struct ManArgs {
    /// Write one page per command (okrc.1, okrc-check.1, …) into this folder
    /// instead of printing okrc.1.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn run_man(args: ManArgs) -> anyhow::Result<Outcome> {
    let command = Cli::command();
    match args.out {
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create `{}`", dir.display()))?;
            clap_mangen::generate_to(command, &dir)
                .with_context(|| format!("cannot write the man pages into `{}`", dir.display()))?;
            println!("Wrote the man pages into {}", dir.display());
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command).render(&mut page)?;
            print(&page)?;
        }
    }
    Ok(Outcome::Success)
}
