"""The content contract's work: content, its versions and review, its publications, its
channels and monthly themes, and what the publications owe (`compliance`)."""
