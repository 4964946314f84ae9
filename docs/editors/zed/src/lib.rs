//! A Zed extension that runs `okrc lsp` (found on the PATH) for Markdown files.

use zed_extension_api::{self as zed, LanguageServerId, Result};

struct Okrc;

impl zed::Extension for Okrc {
    fn new() -> Self {
        Okrc
    }

    fn language_server_command(
        &mut self,
        _id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let command = worktree
            .which("okrc")
            .ok_or_else(|| "okrc is not on the PATH: install it with `cargo install --path .`".to_string())?;
        Ok(zed::Command {
            command,
            args: vec!["lsp".into()],
            env: Vec::new(),
        })
    }
}

zed::register_extension!(Okrc);
