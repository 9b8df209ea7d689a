"""What every page shares: languages, errors, caching and security headers, forms, links."""
