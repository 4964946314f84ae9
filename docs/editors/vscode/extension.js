// A minimal VS Code client for `okrc lsp`: starts the server for the
// Markdown files of the workspace and lets it watch them.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("okrc").get("path", "okrc");
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "okrc",
    "okrc",
    { run: server, debug: server },
    {
      documentSelector: [{ scheme: "file", language: "markdown" }],
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.md,okrc.toml}"),
      },
    }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
