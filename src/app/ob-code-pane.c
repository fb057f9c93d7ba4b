/* ob-code-pane.c — see ob-code-pane.h.
 *
 * The interpreter runs on a GTask worker thread so the window never freezes; its output callback
 * (on that thread) hands chunks to the main loop with g_idle_add; Stop calls rn_interrupt, the one
 * runner call that is allowed from another thread.
 *
 * The reader's edits survive a restart: while the text differs from the lesson's example it is kept
 * in the lesson state (key "code" of the lesson that holds the pane), and restored when the lesson
 * opens; going back to the example (Reset, or editing it back) removes it. */
#include "optbench-config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>
#include <adwaita.h>

#include "ob-code-pane.h"
#include "ob-lesson-state.h"
#include "ob-lesson-view.h"
#include "runner.h"

struct _ObCodePane {
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget *box; /* the only child: unparented by dispose_template */
  GtkSourceView *source_view;
  GtkTextView *output_view;
  GtkLabel *error_label;
  GtkWidget *edited_label;

  /* Owned state */
  char *original_code;
  char *error;
  int error_line;
  rn_interp *interp;   /* touched by one thread at a time: the worker while running */
  gboolean running;
  guint stop_source;   /* repeats rn_interrupt until the run ends */
  GtkTextTag *error_tag;
  char *lesson_id;     /* where edits are kept; NULL outside a lesson view */
  gboolean loading;    /* the text is being replaced by code, not by the reader */
};

G_DEFINE_FINAL_TYPE(ObCodePane, ob_code_pane, GTK_TYPE_WIDGET)

/* The engine keeps per-process state (RNG, error slot): one run at a time in the whole app. */
static GMutex run_lock;

typedef struct {
  ObCodePane *self; /* strong ref */
  int stream;
  char *text;
} OutputChunk;

static gboolean append_output_idle(gpointer data) {
  OutputChunk *chunk = data;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer(chunk->self->output_view);
  GtkTextIter end;
  gtk_text_buffer_get_end_iter(buffer, &end);
  if (chunk->stream == RN_STDERR)
    gtk_text_buffer_insert_with_tags_by_name(buffer, &end, chunk->text, -1, "stderr", NULL);
  else
    gtk_text_buffer_insert(buffer, &end, chunk->text, -1);
  g_object_unref(chunk->self);
  g_free(chunk->text);
  g_free(chunk);
  return G_SOURCE_REMOVE;
}

/* Runs on the worker thread. */
static void on_runner_output(void *user, int stream, const char *data, size_t len) {
  OutputChunk *chunk = g_new(OutputChunk, 1);
  chunk->self = g_object_ref(user);
  chunk->stream = stream;
  /* The interpreter prints UTF-8; repair anything else rather than trip GtkTextBuffer. */
  chunk->text = g_utf8_make_valid(data, (gssize)len);
  /* Default priority, like the GTask completion queued after it: output lands before run_done. */
  g_idle_add_full(G_PRIORITY_DEFAULT, append_output_idle, chunk, NULL);
}

static void run_thread(GTask *task, gpointer source, gpointer task_data, GCancellable *cancel) {
  (void)cancel;
  ObCodePane *self = source;
  g_mutex_lock(&run_lock);
  int rc = rn_run(self->interp, task_data, "<lesson>");
  g_mutex_unlock(&run_lock);
  g_task_return_int(task, rc);
}

static void update_actions(ObCodePane *self) {
  gtk_widget_action_set_enabled(GTK_WIDGET(self), "code.run", !self->running);
  gtk_widget_action_set_enabled(GTK_WIDGET(self), "code.stop", self->running);
  gtk_widget_action_set_enabled(GTK_WIDGET(self), "code.reset", !self->running);
}

static void clear_error(ObCodePane *self) {
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER(gtk_text_view_get_buffer(GTK_TEXT_VIEW(self->source_view)));
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds(buffer, &start, &end);
  gtk_text_buffer_remove_tag(buffer, self->error_tag, &start, &end);
  g_clear_pointer(&self->error, g_free);
  self->error_line = 0;
  gtk_widget_set_visible(GTK_WIDGET(self->error_label), FALSE);
}

static void run_done(GObject *source, GAsyncResult *result, gpointer data) {
  (void)data;
  ObCodePane *self = OB_CODE_PANE(source);
  int rc = (int)g_task_propagate_int(G_TASK(result), NULL);
  self->running = FALSE;
  g_clear_handle_id(&self->stop_source, g_source_remove);
  update_actions(self);
  if (rc != 0) {
    const char *type = rn_exception_type(self->interp);
    const char *message = rn_exception_message(self->interp);
    self->error = message && *message ? g_strdup_printf("%s: %s", type ? type : "Error", message)
                                      : g_strdup(type ? type : "Error");
    self->error_line = rn_exception_line(self->interp);
    gtk_label_set_text(self->error_label, self->error);
    gtk_widget_set_visible(GTK_WIDGET(self->error_label), TRUE);
    GtkTextBuffer *buffer = gtk_text_view_get_buffer(GTK_TEXT_VIEW(self->source_view));
    if (self->error_line > 0 && self->error_line <= gtk_text_buffer_get_line_count(buffer)) {
      GtkTextIter start, end;
      gtk_text_buffer_get_iter_at_line(buffer, &start, self->error_line - 1);
      end = start;
      gtk_text_iter_forward_to_line_end(&end);
      gtk_text_buffer_apply_tag(buffer, self->error_tag, &start, &end);
    }
  }
}

static void code_run(GtkWidget *widget, const char *action, GVariant *param) {
  (void)action; (void)param;
  ObCodePane *self = OB_CODE_PANE(widget);
  if (self->running) return;
  clear_error(self);
  gtk_text_buffer_set_text(gtk_text_view_get_buffer(self->output_view), "", 0);
  if (!self->interp) {
    self->interp = rn_new();
    if (!self->interp) return;
    rn_set_output(self->interp, on_runner_output, self);
  }
  self->running = TRUE;
  update_actions(self);
  GTask *task = g_task_new(self, NULL, run_done, NULL);
  g_task_set_task_data(task, ob_code_pane_dup_text(self), g_free);
  g_task_run_in_thread(task, run_thread);
  g_object_unref(task);
}

/* rn_run clears a pending interrupt when it starts, and a Stop may come before the worker thread
 * got there: so the interrupt is repeated until the run has ended. */
static gboolean repeat_interrupt(gpointer data) {
  ObCodePane *self = data;
  if (!self->running) {
    self->stop_source = 0;
    return G_SOURCE_REMOVE;
  }
  rn_interrupt(self->interp);
  return G_SOURCE_CONTINUE;
}

static void code_stop(GtkWidget *widget, const char *action, GVariant *param) {
  (void)action; (void)param;
  ObCodePane *self = OB_CODE_PANE(widget);
  if (!self->running || !self->interp) return;
  rn_interrupt(self->interp);
  if (!self->stop_source) self->stop_source = g_timeout_add(50, repeat_interrupt, self);
}

/* After any change of the editor's text: keeps the edited version (or forgets it when it is the
 * example again) and shows whether the reader is looking at their own version. */
static void sync_edited(ObCodePane *self) {
  char *text = ob_code_pane_dup_text(self);
  gboolean edited = g_strcmp0(text, self->original_code ? self->original_code : "") != 0;
  if (self->lesson_id) ob_lesson_state_set(self->lesson_id, "code", edited ? text : NULL);
  gtk_widget_set_visible(self->edited_label, edited);
  g_free(text);
}

static void on_text_changed(GtkTextBuffer *buffer, ObCodePane *self) {
  (void)buffer;
  if (!self->loading) sync_edited(self);
}

/* Replaces the editor's text in one step (set_text alone would report an empty editor between
 * its delete and its insert). */
static void set_editor_text(ObCodePane *self, const char *text) {
  self->loading = TRUE;
  gtk_text_buffer_set_text(gtk_text_view_get_buffer(GTK_TEXT_VIEW(self->source_view)), text, -1);
  self->loading = FALSE;
  sync_edited(self);
}

static void code_reset(GtkWidget *widget, const char *action, GVariant *param) {
  (void)action; (void)param;
  ObCodePane *self = OB_CODE_PANE(widget);
  if (self->running) return;
  clear_error(self);
  /* A fresh interpreter too: globals of earlier runs persist otherwise. */
  g_clear_pointer(&self->interp, rn_free);
  set_editor_text(self, self->original_code ? self->original_code : "");
  gtk_text_buffer_set_text(gtk_text_view_get_buffer(self->output_view), "", 0);
}

static void update_style_scheme(ObCodePane *self) {
  AdwStyleManager *manager = adw_style_manager_get_default();
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default();
  const char *id = adw_style_manager_get_dark(manager) ? "Adwaita-dark" : "Adwaita";
  GtkSourceStyleScheme *scheme = gtk_source_style_scheme_manager_get_scheme(schemes, id);
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER(gtk_text_view_get_buffer(GTK_TEXT_VIEW(self->source_view)));
  if (scheme) gtk_source_buffer_set_style_scheme(buffer, scheme);
}

static void on_dark_changed(AdwStyleManager *manager, GParamSpec *pspec, gpointer self) {
  (void)manager; (void)pspec;
  update_style_scheme(self);
}

static void ob_code_pane_dispose(GObject *object) {
  ObCodePane *self = OB_CODE_PANE(object);
  g_signal_handlers_disconnect_by_func(adw_style_manager_get_default(), on_dark_changed, self);
  g_clear_handle_id(&self->stop_source, g_source_remove);
  gtk_widget_dispose_template(GTK_WIDGET(self), OB_TYPE_CODE_PANE);
  G_OBJECT_CLASS(ob_code_pane_parent_class)->dispose(object);
}

static void ob_code_pane_finalize(GObject *object) {
  ObCodePane *self = OB_CODE_PANE(object);
  /* A run holds a reference on self through its GTask, so no worker uses interp here. */
  g_clear_pointer(&self->interp, rn_free);
  g_free(self->original_code);
  g_free(self->lesson_id);
  g_free(self->error);
  G_OBJECT_CLASS(ob_code_pane_parent_class)->finalize(object);
}

static void ob_code_pane_class_init(ObCodePaneClass *klass) {
  GObjectClass *object_class = G_OBJECT_CLASS(klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
  object_class->dispose = ob_code_pane_dispose;
  object_class->finalize = ob_code_pane_finalize;

  g_type_ensure(GTK_SOURCE_TYPE_VIEW);
  gtk_widget_class_set_template_from_resource(widget_class, "/io/github/optbench/Workbench/ob-code-pane.ui");
  gtk_widget_class_bind_template_child(widget_class, ObCodePane, box);
  gtk_widget_class_bind_template_child(widget_class, ObCodePane, source_view);
  gtk_widget_class_bind_template_child(widget_class, ObCodePane, output_view);
  gtk_widget_class_bind_template_child(widget_class, ObCodePane, error_label);
  gtk_widget_class_bind_template_child(widget_class, ObCodePane, edited_label);
  gtk_widget_class_set_layout_manager_type(widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name(widget_class, "codepane");

  gtk_widget_class_install_action(widget_class, "code.run", NULL, code_run);
  gtk_widget_class_install_action(widget_class, "code.stop", NULL, code_stop);
  gtk_widget_class_install_action(widget_class, "code.reset", NULL, code_reset);
  gtk_widget_class_add_binding_action(widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "code.run", NULL);
  gtk_widget_class_add_binding_action(widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "code.run", NULL);
  gtk_widget_class_add_binding_action(widget_class, GDK_KEY_period, GDK_CONTROL_MASK, "code.stop", NULL);
}

static void ob_code_pane_init(ObCodePane *self) {
  gtk_widget_init_template(GTK_WIDGET(self));
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER(gtk_text_view_get_buffer(GTK_TEXT_VIEW(self->source_view)));
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default();
  GtkSourceLanguage *python = gtk_source_language_manager_get_language(languages, "python3");
  if (!python) python = gtk_source_language_manager_get_language(languages, "python");
  if (python) gtk_source_buffer_set_language(buffer, python);
  gtk_source_buffer_set_highlight_syntax(buffer, TRUE);
  self->error_tag = gtk_text_buffer_create_tag(GTK_TEXT_BUFFER(buffer), "error-line",
                                               "underline", PANGO_UNDERLINE_ERROR,
                                               "background", "rgba(224,27,36,0.18)", NULL);
  gtk_text_buffer_create_tag(gtk_text_view_get_buffer(self->output_view), "stderr",
                             "foreground", "#c01c28", NULL);
  g_signal_connect(buffer, "changed", G_CALLBACK(on_text_changed), self);
  update_style_scheme(self);
  g_signal_connect_object(adw_style_manager_get_default(), "notify::dark",
                          G_CALLBACK(on_dark_changed), self, 0);
  update_actions(self);
}

void ob_code_pane_set_code(ObCodePane *self, const char *code) {
  g_return_if_fail(OB_IS_CODE_PANE(self));
  g_free(self->original_code);
  self->original_code = g_strdup(code ? code : "");
  /* The lesson this pane belongs to, if any: its edited code is restored instead of the example. */
  GtkWidget *view = gtk_widget_get_ancestor(GTK_WIDGET(self), OB_TYPE_LESSON_VIEW);
  const ObLessonInfo *info = view ? ob_lesson_view_get_info(OB_LESSON_VIEW(view)) : NULL;
  g_free(self->lesson_id);
  self->lesson_id = info ? g_strdup(info->id) : NULL;
  char *stored = self->lesson_id ? ob_lesson_state_get(self->lesson_id, "code") : NULL;
  if (self->running) {
    /* The run's text stays until it ends; the edit marker follows the new example already. */
    g_free(stored);
    return;
  }
  if (stored) {
    clear_error(self);
    g_clear_pointer(&self->interp, rn_free);
    set_editor_text(self, stored);
    gtk_text_buffer_set_text(gtk_text_view_get_buffer(self->output_view), "", 0);
    g_free(stored);
  } else {
    code_reset(GTK_WIDGET(self), NULL, NULL);
  }
}

gboolean ob_code_pane_is_edited(ObCodePane *self) {
  g_return_val_if_fail(OB_IS_CODE_PANE(self), FALSE);
  return gtk_widget_get_visible(self->edited_label);
}

char *ob_code_pane_dup_text(ObCodePane *self) {
  g_return_val_if_fail(OB_IS_CODE_PANE(self), NULL);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer(GTK_TEXT_VIEW(self->source_view));
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds(buffer, &start, &end);
  return gtk_text_buffer_get_text(buffer, &start, &end, FALSE);
}

char *ob_code_pane_dup_output(ObCodePane *self) {
  g_return_val_if_fail(OB_IS_CODE_PANE(self), NULL);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer(self->output_view);
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds(buffer, &start, &end);
  return gtk_text_buffer_get_text(buffer, &start, &end, FALSE);
}

gboolean ob_code_pane_is_running(ObCodePane *self) {
  g_return_val_if_fail(OB_IS_CODE_PANE(self), FALSE);
  return self->running;
}

const char *ob_code_pane_get_error(ObCodePane *self) {
  g_return_val_if_fail(OB_IS_CODE_PANE(self), NULL);
  return self->error;
}

int ob_code_pane_get_error_line(ObCodePane *self) {
  g_return_val_if_fail(OB_IS_CODE_PANE(self), 0);
  return self->error_line;
}
