"""Pure file formats: parsers and renderers. Plain data in and out; no Flask, no database."""
