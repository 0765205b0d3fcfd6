"""Integration-test harness for vneid-helpdesk (Python 3 standard library only).

util          ports, HTTP client, child processes, the server under test, PASS/FAIL reporter
kannel        a real Kannel (bearerbox + smsbox) with fakesmsc as the phones
zalo_standin  a local server answering like Zalo's OA API, plus webhook event builders

Test programs live in tests/integration/test_*.py and import `from lib import util, kannel`.
"""
