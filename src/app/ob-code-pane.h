/* ob-code-pane.h — a lesson's example code: a Python editor whose Run executes the code on the
 * built-in interpreter (src/runner) on a worker thread, streaming its output underneath. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define OB_TYPE_CODE_PANE (ob_code_pane_get_type())
G_DECLARE_FINAL_TYPE(ObCodePane, ob_code_pane, OB, CODE_PANE, GtkWidget)

/* The code Reset goes back to. In a lesson view, the reader's edited version of it (kept in the
 * lesson state under "code") is shown instead when there is one. */
void ob_code_pane_set_code(ObCodePane *self, const char *code);
/* Whether the editor holds something other than the example (then it is kept across restarts). */
gboolean ob_code_pane_is_edited(ObCodePane *self);
/* The editor's current text (newly allocated). */
char *ob_code_pane_dup_text(ObCodePane *self);
/* Output written so far (newly allocated). */
char *ob_code_pane_dup_output(ObCodePane *self);
gboolean ob_code_pane_is_running(ObCodePane *self);
/* The "Type: message" line of the last run's uncaught exception, or NULL. */
const char *ob_code_pane_get_error(ObCodePane *self);
/* The line the error marker is on (1-based), 0 when none. */
int ob_code_pane_get_error_line(ObCodePane *self);

G_END_DECLS
