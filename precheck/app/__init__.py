"""The job seeker's desktop app: a local page served on 127.0.0.1 and opened in their browser.

Why a page and not Tk: a job seeker with a screen reader (NVDA, VoiceOver) must finish the check
and the booking, and the browser exposes every heading, label, button and live region to them,
while Python's bundled Tk 8.6 exposes little. The server is the standard library's http.server
(the office's starlette stack is not in the executable): loopback only, a one-time token traded
for a cookie, Host and Origin checked, and it stops when the page is gone or after idle time.

Modules: `server` (HTTP and its guards), `session` (the run, check-again, report and booking,
all through the same services as the CLI), `settings` (the allow-list of OS settings pages),
`preview` (the camera preview slot), `page/` (the HTML, CSS and JS).
"""
