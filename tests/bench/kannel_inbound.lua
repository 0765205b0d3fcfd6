-- kannel_inbound.lua -- wrk script: inbound SMS as smsbox sends them, from
-- 10,000 senders, realistic Vietnamese texts (UTF-8, as coding=0 with
-- charset=UTF-8 arrives), each with its own Kannel id.
local texts = {
  "ko nhan dc ma otp", "kich hoat vneid the nao", "toi moi doi dien thoai khong dang nhap duoc",
  "quen mat khau vneid", "dang ky muc 2 o dau", "Tôi không nhận được mã OTP",
  "Cách kích hoạt tài khoản định danh điện tử", "đổi số điện thoại đăng ký vneid",
  "xin chao", "cam on", "tai vneid o dau", "khong quet duoc chip cccd",
}
local counter = 0
local prefix = ""

local function urlencode(s)
  return (s:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local encoded = {}
for i, t in ipairs(texts) do encoded[i] = urlencode(t) end

function setup(thread)
  thread:set("tid", tostring(math.random(1, 1000000000)))
end

function init(args)
  prefix = tid or tostring(math.random(1, 1000000000))
  math.randomseed(tonumber(prefix))
end

request = function()
  counter = counter + 1
  local from = string.format("849%08d", math.random(0, 9999))
  local body = "from=" .. from .. "&to=8088&text=" .. encoded[math.random(1, #encoded)] ..
               "&smsc=FAKE&ts=1700000000&coding=0&charset=UTF-8&id=" .. prefix .. "-" .. counter
  return wrk.format("POST", "/webhooks/kannel",
                    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
