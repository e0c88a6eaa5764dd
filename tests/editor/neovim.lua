-- Driven by tests/editor_neovim.rs: Neovim's built-in LSP client (0.7 API:
-- start_client + buf_attach_client) against `nixdeps server`. Opens the
-- script, waits for the diagnostic, applies the quick fix through
-- vim.lsp.buf.code_action (the choice made by a vim.ui.select stand-in, as
-- a user would pick it), writes the buffer, and records the outcome.
local bin = os.getenv('NIXDEPS_BIN')
local script = os.getenv('NIXDEPS_SCRIPT')
local result = os.getenv('NIXDEPS_RESULT')
local want_title = os.getenv('NIXDEPS_ACTION')

local function finish(status)
  local f = assert(io.open(result, 'w'))
  f:write(status)
  f:close()
  vim.cmd('qa!')
end

local function check(ok, what)
  if not ok then
    finish('FAIL: ' .. what)
  end
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(script))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'nixdeps',
    cmd = { bin, 'server' },
    root_dir = vim.fn.fnamemodify(script, ':h'),
  })
  check(client_id ~= nil, 'start_client returned nil')
  vim.lsp.buf_attach_client(bufnr, client_id)

  check(vim.wait(20000, function() return #vim.diagnostic.get(bufnr) > 0 end, 20),
    'no diagnostics within 20 s')
  local d = vim.diagnostic.get(bufnr)[1]
  check(d.source == 'nixdeps', 'diagnostic source ' .. tostring(d.source))
  local code = d.user_data and d.user_data.lsp and d.user_data.lsp.code
  check(code == 'ND001', 'diagnostic code ' .. tostring(code) .. ': ' .. d.message)

  local picked = nil
  vim.ui.select = function(items, _, on_choice)
    local titles = {}
    for _, item in ipairs(items) do
      table.insert(titles, item[2].title)
      if item[2].title == want_title then
        picked = item[2].title
        on_choice(item)
        return
      end
    end
    picked = 'none of: ' .. table.concat(titles, ' | ')
    on_choice(nil)
  end
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  local before = vim.api.nvim_buf_get_changedtick(bufnr)
  vim.lsp.buf.code_action()
  check(vim.wait(20000, function() return picked ~= nil end, 20), 'no code actions offered')
  check(picked == want_title, 'code action ' .. tostring(picked))
  check(vim.wait(5000, function() return vim.api.nvim_buf_get_changedtick(bufnr) ~= before end, 20),
    'the edit was not applied')
  vim.cmd('write')
  -- The fixed buffer is reported back (didChange) and the diagnostic goes.
  check(vim.wait(20000, function() return #vim.diagnostic.get(bufnr) == 0 end, 20),
    'the diagnostic did not clear after the fix')
  finish('ok')
end)
if not ok then
  finish('FAIL: ' .. tostring(err))
end
