-- Drives Neovim's own LSP client against the built server, set up by the README's init.lua
-- block (MLL_SETUP, with the server's path filled in), and writes what Neovim received as JSON
-- for neovim.test.ts to check. Run: MLL_ROOT=folder MLL_SETUP=setup.lua MLL_OUT=out.json
--   nvim --headless -u NONE -i NONE -n -c 'luafile client.lua'
local root, out_path = vim.env.MLL_ROOT, vim.env.MLL_OUT
local out = { logs = {}, errors = {} }

vim.lsp.handlers['window/logMessage'] = function(_, result) table.insert(out.logs, result.message) end

local ok, err = pcall(function()
  dofile(vim.env.MLL_SETUP)
  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/spamdyke.log'))
  local buf = vim.api.nvim_get_current_buf()
  -- Neovim lists a client as attached once it has initialized.
  vim.wait(10000, function() return next(vim.lsp.buf_get_clients(buf)) ~= nil end, 20)
  local id = next(vim.lsp.buf_get_clients(buf))
  assert(id, 'the README setup attached no client to spamdyke.log')
  local client = vim.lsp.get_client_by_id(id)

  -- Work-done progress, as Neovim records it: every token seen has ended.
  out.indexed = vim.wait(30000, function()
    local any, all = false, true
    for _, p in pairs(client.messages.progress) do
      any = true
      if not p.done then all = false end
    end
    return any and all
  end, 20)
  out.progressTitles = {}
  for _, p in pairs(client.messages.progress) do table.insert(out.progressTitles, p.title) end

  -- A second log of the same folder joins the same server.
  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/delivery.log'))
  out.clientsOfSecondLog = vim.tbl_keys(vim.lsp.buf_get_clients(vim.api.nvim_get_current_buf()))
  out.clientId = id
  out.activeClients = #vim.lsp.get_active_clients()
  vim.cmd('buffer ' .. buf)

  local td = vim.lsp.util.make_text_document_params(buf)
  local function request(method, params)
    local responses, request_err = vim.lsp.buf_request_sync(buf, method, params, 10000)
    if not responses then return { error = tostring(request_err) } end
    return responses[id] or { error = 'no answer' }
  end
  local at = function(line, character) return { textDocument = td, position = { line = line, character = character } } end

  out.definition = request('textDocument/definition', at(1, 45))
  local refs = at(1, 45)
  refs.context = { includeDeclaration = true }
  out.references = request('textDocument/references', refs)
  out.hover = request('textDocument/hover', at(0, 45))
  out.symbols = request('workspace/symbol', { query = '15309' })

  local function diagnosticLines()
    local lines = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do table.insert(lines, d.lnum) end
    table.sort(lines)
    return lines
  end
  vim.wait(5000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
  out.diagnosticLines = diagnosticLines()

  -- An unsaved edit: Neovim counts document versions from 0 and sends incremental changes.
  vim.api.nvim_buf_set_lines(buf, -1, -1, false, { vim.env.MLL_NEW_LINE })
  vim.wait(5000, function()
    for _, l in ipairs(diagnosticLines()) do if l == 2 then return true end end
    return false
  end, 20)
  out.diagnosticLinesAfterEdit = diagnosticLines()
  out.hoverAfterEdit = request('textDocument/hover', at(2, 45))

  local pid = client.rpc.pid
  vim.lsp.stop_client(id)
  out.serverGone = vim.wait(5000, function() return vim.lsp.get_client_by_id(id) == nil end, 20)
  out.serverProcessGone = pid ~= nil and vim.wait(5000, function() return vim.loop.kill(pid, 0) ~= 0 end, 20)
end)
if not ok then table.insert(out.errors, tostring(err)) end
local f = assert(io.open(out_path, 'w'))
f:write(vim.fn.json_encode(out))
f:close()
vim.cmd('qa!')
