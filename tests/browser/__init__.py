"""End-to-end CORS tests in Chromium, Firefox and WebKit (see docs/browser-cases.md)."""
