"""Messages and inquiries of a content contract: entered or imported, answered step by step
within the contract's working-day deadline, standard replies and FAQ lists."""
