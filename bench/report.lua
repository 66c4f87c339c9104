-- wrk script: POST anonymous reports, each with a distinct title.
local counter = 0
request = function()
  counter = counter + 1
  local body = '{"kind":"near_miss","title":"wrk report ' .. counter ..
    '","description":"A CI job printed a deploy token into its public log; it was revoked within minutes.","confidentiality":"anonymous"}'
  return wrk.format("POST", "/api/v1/reports", { ["Content-Type"] = "application/json" }, body)
end
