"""Images: header-only facts now; spec, white-background and watermark checks build on them."""
