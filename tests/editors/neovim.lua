-- A real editor drives `okrc lsp`: Neovim's built-in client (0.7 API:
-- vim.lsp.start_client and vim.lsp.buf_attach_client) opens a unit file,
-- types a typo and a broken `aligns_to` without saving, waits for the
-- diagnostics, then asks for completion inside `aligns_to = "`.
-- Run by tests/lsp.rs: OKRC (the binary), OKRC_WORKSPACE, OKRC_RESULT (a
-- JSON file this writes).
local okrc = os.getenv("OKRC")
local root = os.getenv("OKRC_WORKSPACE")
local result_file = os.getenv("OKRC_RESULT")
local result = { errors = {} }

local function finish()
  local file = io.open(result_file, "w")
  file:write(vim.fn.json_encode(result))
  file:close()
  vim.cmd("qall!")
end

local ok, err = pcall(function()
  local client_id = vim.lsp.start_client({
    name = "okrc",
    cmd = { okrc, "lsp" },
    root_dir = root,
    on_error = function(code) table.insert(result.errors, "client error " .. tostring(code)) end,
  })
  assert(client_id, "the client started")
  vim.cmd("edit " .. vim.fn.fnameescape(root .. "/teams/platform.md"))
  local buf = vim.api.nvim_get_current_buf()
  assert(vim.lsp.buf_attach_client(buf, client_id), "the buffer is attached")

  -- Type, without saving: `title` becomes `titel`, `O2.KR1` becomes `O2.KR9`.
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  for i, line in ipairs(lines) do
    if line == 'title = "Make deploys boringly reliable"' then
      vim.api.nvim_buf_set_lines(buf, i - 1, i, false, { 'titel = "Make deploys boringly reliable"' })
    elseif line == 'aligns_to = "O2.KR1"' then
      vim.api.nvim_buf_set_lines(buf, i - 1, i, false, { 'aligns_to = "O2.KR9"' })
    end
  end
  local function codes()
    local found = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local lsp = d.user_data and d.user_data.lsp or {}
      table.insert(found, { code = lsp.code or d.code, line = d.lnum, col = d.col, message = d.message })
    end
    return found
  end
  local function has(code)
    for _, d in ipairs(codes()) do
      if d.code == code then return true end
    end
    return false
  end
  result.diagnostics_arrived = vim.wait(30000, function()
    return has("unknown-field") and has("broken-alignment")
  end, 20)
  result.diagnostics = codes()

  -- Completion inside an unclosed `aligns_to = "` on a new line 8.
  local grow = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  for i, line in ipairs(grow) do
    if line == 'aligns_to = "O2.KR9"' then
      vim.api.nvim_buf_set_lines(buf, i - 1, i, false, { 'aligns_to = "' })
      result.line = i - 1
    end
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = result.line, character = 13 },
  }
  local responses = vim.lsp.buf_request_sync(buf, "textDocument/completion", params, 30000)
  result.completion = {}
  for _, response in pairs(responses or {}) do
    local items = response.result and (response.result.items or response.result) or {}
    for _, item in ipairs(items) do
      table.insert(result.completion, { label = item.label, detail = item.detail })
    end
  end
  vim.lsp.stop_client(client_id)
end)
if not ok then
  table.insert(result.errors, tostring(err))
end
finish()
