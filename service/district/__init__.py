"""The district and its people: streets and communities (`places`), accounts, liaisons'
assignments, and the contracts in force."""
