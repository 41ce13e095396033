"""The content contract's work: content, its versions and review, its publications."""
