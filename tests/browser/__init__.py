"""End-to-end CORS tests in headless Chromium (see docs/browser-cases.md)."""
