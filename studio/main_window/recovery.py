"""At start, offer the work autosaved by a session that crashed or was killed (a mixin of ``MainWindow``).

Recovered work opens as an untitled "(recovered)" picture with unsaved changes; Discard deletes the copy,
Later keeps it for the next start."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from studio.io.autosave import Recovery, find_orphans
from studio.io.ora import ProjectError, read_ora

Answer = QMessageBox.StandardButton


class RecoveryMixin:
    def ask_recover(self, recovery: Recovery) -> QMessageBox.StandardButton:  # tests replace this
        box = self.recovery_box(recovery)
        box.exec()
        clicked = box.clickedButton()
        name = clicked.objectName() if clicked is not None else "later"
        return {"recover": Answer.Open, "discard": Answer.Discard}.get(name, Answer.Cancel)

    def recovery_box(self, recovery: Recovery) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved work?", "", Answer.NoButton, self)
        box.setText("Atelier did not close normally last time. Recover the work it autosaved?")
        box.setInformativeText(
            recovery.describe() + "\n\nIt opens as a new untitled picture; your own files are not touched."
        )
        box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole).setObjectName("recover")
        box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole).setObjectName("discard")
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole).setObjectName("later")
        return box

    def offer_recovery(self) -> bool:
        """At start: offer the newest autosave left by a crash or a kill. True if one was recovered."""
        for recovery in find_orphans(self.autosaver.slot.root):
            answer = self.ask_recover(recovery)
            if answer == Answer.Discard:
                recovery.discard()
                continue
            if answer != Answer.Open:
                return False  # Later: kept for the next start
            try:
                project = read_ora(recovery.work_path)
            except ProjectError as exc:
                self.ctx.reporter.report("Recovery", f"The autosaved work could not be read: {exc}")
                return False
            doc = project.document
            doc.extras = dict(project.extras)
            doc.path = None  # never written back over the user's file: Save asks for a name
            doc.name = f"{Path(str(recovery.info.get('name') or 'Untitled')).stem} (recovered)"
            self.autosaver.slot.adopt(recovery)
            self.ctx.set_document(doc, unsaved=True)
            self.ctx.status(f"Recovered {recovery.describe()}")
            return True
        return False
