"""The content contract's publications and what they owe: the compliance engine first
(`compliance`), over plain publication facts until the publication model lands."""
