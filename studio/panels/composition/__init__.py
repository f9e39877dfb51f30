"""Parts of the Composition panel: the guide settings form and the guide actions (menu, toolbar, O)."""
