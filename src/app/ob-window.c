/* ob-window.c — see ob-window.h. */
#include "optbench-config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "ob-window.h"
#include "ob-figure-export.h"
#include "ob-plot-view.h"

struct _ObWindow {
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwHeaderBar *header_bar;
  AdwWindowTitle *window_title;
  AdwFlap *flap;
  GtkWidget *sidebar;
  GtkSearchEntry *search_entry;
  GtkListBox *lesson_list;
  GtkLabel *no_results_label;
  GtkStack *lesson_stack;

  /* Owned references */
  GSettings *settings;
  GtkCssProvider *presentation_css;

  /* State */
  char *lesson_id;
  gboolean presentation;
  gboolean was_fullscreen;   /* before presentation mode: restored when it ends */
  gboolean sidebar_was_shown;
};

G_DEFINE_FINAL_TYPE(ObWindow, ob_window, ADW_TYPE_APPLICATION_WINDOW)

enum { PROP_0, PROP_PRESENTATION, N_PROPS };
static GParamSpec *properties[N_PROPS];

#define LESSON_KEY "ob-lesson"

const ObLessonInfo *ob_window_row_get_lesson(GtkListBoxRow *row) {
  return row ? g_object_get_data(G_OBJECT(row), LESSON_KEY) : NULL;
}

/* ---- the sidebar ---- */

static GtkWidget *make_row(const ObLessonInfo *info) {
  GtkWidget *label = gtk_label_new(_(info->title));
  gtk_label_set_xalign(GTK_LABEL(label), 0);
  gtk_label_set_wrap(GTK_LABEL(label), TRUE);
  GtkWidget *row = gtk_list_box_row_new();
  gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), label);
  g_object_set_data(G_OBJECT(row), LESSON_KEY, (gpointer)info);
  return row;
}

static void update_header(GtkListBoxRow *row, GtkListBoxRow *before, gpointer data) {
  (void)data;
  const ObLessonInfo *info = ob_window_row_get_lesson(row);
  const ObLessonInfo *prev = ob_window_row_get_lesson(before);
  if (prev && prev->section == info->section) {
    gtk_list_box_row_set_header(row, NULL);
    return;
  }
  /* Translators: a sidebar heading: the lecture's section number and title */
  char *text = g_strdup_printf(_("%d. %s"), info->section, ob_section_title(info->section));
  GtkWidget *header = gtk_label_new(text);
  g_free(text);
  gtk_label_set_xalign(GTK_LABEL(header), 0);
  gtk_label_set_wrap(GTK_LABEL(header), TRUE);
  gtk_widget_add_css_class(header, "heading");
  gtk_widget_add_css_class(header, "dim-label");
  gtk_widget_add_css_class(header, "sidebar-section");
  gtk_list_box_row_set_header(row, header);
}

/* Every word of the query must occur in the title or the keywords, translated or not. */
static gboolean lesson_matches(const ObLessonInfo *info, const char *query) {
  if (!query || !*query) return TRUE;
  char *hay_raw = g_strjoin(" ", _(info->title), info->title, _(info->keywords), info->keywords,
                            info->id, NULL);
  char *hay = g_utf8_casefold(hay_raw, -1);
  char *q = g_utf8_casefold(query, -1);
  char **words = g_strsplit_set(q, " \t", -1);
  gboolean ok = TRUE;
  for (char **w = words; ok && *w; w++)
    if (**w && !strstr(hay, *w)) ok = FALSE;
  g_strfreev(words);
  g_free(q);
  g_free(hay);
  g_free(hay_raw);
  return ok;
}

static gboolean filter_row(GtkListBoxRow *row, gpointer data) {
  ObWindow *self = data;
  return lesson_matches(ob_window_row_get_lesson(row),
                        gtk_editable_get_text(GTK_EDITABLE(self->search_entry)));
}

static void on_search_changed(GtkSearchEntry *entry, ObWindow *self) {
  (void)entry;
  gtk_list_box_invalidate_filter(self->lesson_list);
  gtk_list_box_invalidate_headers(self->lesson_list);
  gboolean any = FALSE;
  for (GtkWidget *c = gtk_widget_get_first_child(GTK_WIDGET(self->lesson_list)); c;
       c = gtk_widget_get_next_sibling(c))
    if (GTK_IS_LIST_BOX_ROW(c) && filter_row(GTK_LIST_BOX_ROW(c), self)) any = TRUE;
  gtk_widget_set_visible(GTK_WIDGET(self->no_results_label), !any);
}

/* Enter in the search entry opens the first lesson that matches. */
static void on_search_activate(GtkSearchEntry *entry, ObWindow *self) {
  (void)entry;
  for (GtkWidget *c = gtk_widget_get_first_child(GTK_WIDGET(self->lesson_list)); c;
       c = gtk_widget_get_next_sibling(c)) {
    if (GTK_IS_LIST_BOX_ROW(c) && filter_row(GTK_LIST_BOX_ROW(c), self)) {
      ob_window_open_lesson(self, ob_window_row_get_lesson(GTK_LIST_BOX_ROW(c))->id);
      return;
    }
  }
}

static void on_stop_search(GtkSearchEntry *entry, ObWindow *self) {
  (void)self;
  gtk_editable_set_text(GTK_EDITABLE(entry), "");
}

static void on_row_selected(GtkListBox *box, GtkListBoxRow *row, ObWindow *self) {
  (void)box;
  const ObLessonInfo *info = ob_window_row_get_lesson(row);
  if (info) ob_window_open_lesson(self, info->id);
}

/* ---- lessons ---- */

static void update_lesson_actions(ObWindow *self) {
  ObLessonView *view = ob_window_get_lesson_view(self);
  GtkWidget *w = GTK_WIDGET(self);
  /* a lesson declares its figure by name; the figure library must know it */
  const ObLessonInfo *info = self->lesson_id ? ob_lesson_find(self->lesson_id) : NULL;
  gtk_widget_action_set_enabled(w, "win.export-figure",
                                view && info && info->figure && ob_figure_exists(info->figure));
  gtk_widget_action_set_enabled(w, "win.next-lesson",
                                self->presentation && ob_lesson_neighbour(self->lesson_id, +1));
  gtk_widget_action_set_enabled(w, "win.previous-lesson",
                                self->presentation && ob_lesson_neighbour(self->lesson_id, -1));
  gtk_widget_action_set_enabled(w, "win.leave-presentation", self->presentation);
}

gboolean ob_window_open_lesson(ObWindow *self, const char *id) {
  g_return_val_if_fail(OB_IS_WINDOW(self), FALSE);
  const ObLessonInfo *info = ob_lesson_find(id);
  if (!info) return FALSE;
  GtkWidget *page = gtk_stack_get_child_by_name(self->lesson_stack, info->id);
  if (!page) {
    page = GTK_WIDGET(ob_lesson_view_new(info));
    gtk_stack_add_named(self->lesson_stack, page, info->id);
  }
  gtk_stack_set_visible_child(self->lesson_stack, page);
  g_free(self->lesson_id);
  self->lesson_id = g_strdup(info->id);

  adw_window_title_set_title(self->window_title, _(info->title));
  char *subtitle = g_strdup_printf(_("%d. %s"), info->section, ob_section_title(info->section));
  adw_window_title_set_subtitle(self->window_title, subtitle);
  g_free(subtitle);
  char *title = g_strdup_printf("%s — %s", _(info->title), _("Optimization Workbench"));
  gtk_window_set_title(GTK_WINDOW(self), title);
  g_free(title);

  /* Keep the sidebar's selection in step without re-entering through row-selected. */
  for (GtkWidget *c = gtk_widget_get_first_child(GTK_WIDGET(self->lesson_list)); c;
       c = gtk_widget_get_next_sibling(c)) {
    if (GTK_IS_LIST_BOX_ROW(c) && ob_window_row_get_lesson(GTK_LIST_BOX_ROW(c)) == info &&
        gtk_list_box_get_selected_row(self->lesson_list) != GTK_LIST_BOX_ROW(c)) {
      g_signal_handlers_block_by_func(self->lesson_list, on_row_selected, self);
      gtk_list_box_select_row(self->lesson_list, GTK_LIST_BOX_ROW(c));
      g_signal_handlers_unblock_by_func(self->lesson_list, on_row_selected, self);
    }
  }
  /* On a narrow window the sidebar overlays the lesson: get it out of the way. */
  if (adw_flap_get_folded(self->flap)) adw_flap_set_reveal_flap(self->flap, FALSE);
  if (self->settings) g_settings_set_string(self->settings, "last-lesson", info->id);
  update_lesson_actions(self);
  return TRUE;
}

const char *ob_window_get_lesson_id(ObWindow *self) {
  g_return_val_if_fail(OB_IS_WINDOW(self), NULL);
  return self->lesson_id;
}

ObLessonView *ob_window_get_lesson_view(ObWindow *self) {
  g_return_val_if_fail(OB_IS_WINDOW(self), NULL);
  GtkWidget *page = gtk_stack_get_visible_child(self->lesson_stack);
  return page && OB_IS_LESSON_VIEW(page) ? OB_LESSON_VIEW(page) : NULL;
}

GtkListBox *ob_window_get_lesson_list(ObWindow *self) { return self->lesson_list; }
GtkEditable *ob_window_get_search_entry(ObWindow *self) { return GTK_EDITABLE(self->search_entry); }
gboolean ob_window_get_sidebar_visible(ObWindow *self) {
  return adw_flap_get_reveal_flap(self->flap) && gtk_widget_get_visible(self->sidebar);
}

/* ---- presentation mode ---- */

/* Lesson text scaled by the presentation-scale preference. Adwaita sizes headings in absolute
 * points, so each size is written out; printed with g_ascii_ so a German locale's decimal comma
 * cannot break the CSS. */
static void update_presentation_css(ObWindow *self) {
  double scale = self->settings ? g_settings_get_double(self->settings, "presentation-scale") : 1.5;
  char body[G_ASCII_DTOSTR_BUF_SIZE], title[G_ASCII_DTOSTR_BUF_SIZE], head[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(body, sizeof body, "%.1f", 11.0 * scale);
  g_ascii_formatd(title, sizeof title, "%.1f", 20.0 * scale);
  g_ascii_formatd(head, sizeof head, "%.1f", 13.0 * scale);
  char *css = g_strdup_printf(
      "window.presentation .lesson-page { font-size: %spt; }\n"
      "window.presentation .lesson-page .title-1 { font-size: %spt; }\n"
      "window.presentation .lesson-page .title-3, window.presentation .lesson-page .title-4,"
      " window.presentation .lesson-page .heading { font-size: %spt; }\n",
      body, title, head);
  gtk_css_provider_load_from_data(self->presentation_css, css, -1);
  g_free(css);
  if (self->presentation) ob_plot_view_set_presentation_scale(scale);
}

void ob_window_set_presentation(ObWindow *self, gboolean presentation) {
  g_return_if_fail(OB_IS_WINDOW(self));
  presentation = !!presentation;
  if (self->presentation == presentation) return;
  self->presentation = presentation;
  GtkWindow *window = GTK_WINDOW(self);
  if (presentation) {
    self->was_fullscreen = gtk_window_is_fullscreen(window);
    self->sidebar_was_shown = adw_flap_get_reveal_flap(self->flap);
    update_presentation_css(self);
    ob_plot_view_set_presentation_scale(self->settings ? g_settings_get_double(self->settings, "presentation-scale") : 1.5);
    gtk_widget_add_css_class(GTK_WIDGET(self), "presentation");
    /* Hidden at once, not slid away: the audience sees the lesson only. */
    adw_flap_set_reveal_flap(self->flap, FALSE);
    gtk_widget_set_visible(self->sidebar, FALSE);
    gtk_widget_set_visible(GTK_WIDGET(self->header_bar), FALSE);
    gtk_window_fullscreen(window);
    /* Arrow keys go to the window's bindings, not to whatever text field had focus. */
    gtk_window_set_focus(window, NULL);
  } else {
    gtk_widget_remove_css_class(GTK_WIDGET(self), "presentation");
    ob_plot_view_set_presentation_scale(1.0);
    gtk_widget_set_visible(GTK_WIDGET(self->header_bar), TRUE);
    gtk_widget_set_visible(self->sidebar, TRUE);
    adw_flap_set_reveal_flap(self->flap, self->sidebar_was_shown);
    if (!self->was_fullscreen) gtk_window_unfullscreen(window);
  }
  update_lesson_actions(self);
  g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_PRESENTATION]);
}

gboolean ob_window_get_presentation(ObWindow *self) {
  g_return_val_if_fail(OB_IS_WINDOW(self), FALSE);
  return self->presentation;
}

/* ---- actions ---- */

static void action_open_lesson(GtkWidget *w, const char *name, GVariant *param) {
  (void)name;
  ob_window_open_lesson(OB_WINDOW(w), g_variant_get_string(param, NULL));
}

static void step_lesson(ObWindow *self, int direction) {
  const ObLessonInfo *next = ob_lesson_neighbour(self->lesson_id, direction);
  if (next) ob_window_open_lesson(self, next->id);
}

static void action_next(GtkWidget *w, const char *n, GVariant *p) { (void)n; (void)p; step_lesson(OB_WINDOW(w), +1); }
static void action_previous(GtkWidget *w, const char *n, GVariant *p) { (void)n; (void)p; step_lesson(OB_WINDOW(w), -1); }

static void action_leave_presentation(GtkWidget *w, const char *n, GVariant *p) {
  (void)n; (void)p;
  ob_window_set_presentation(OB_WINDOW(w), FALSE);
}

static void action_fullscreen(GtkWidget *w, const char *n, GVariant *p) {
  (void)n; (void)p;
  if (gtk_window_is_fullscreen(GTK_WINDOW(w))) gtk_window_unfullscreen(GTK_WINDOW(w));
  else gtk_window_fullscreen(GTK_WINDOW(w));
}

static void action_search(GtkWidget *w, const char *n, GVariant *p) {
  (void)n; (void)p;
  ObWindow *self = OB_WINDOW(w);
  if (self->presentation) return;
  adw_flap_set_reveal_flap(self->flap, TRUE);
  gtk_widget_grab_focus(GTK_WIDGET(self->search_entry));
}

static void action_toggle_sidebar(GtkWidget *w, const char *n, GVariant *p) {
  (void)n; (void)p;
  ObWindow *self = OB_WINDOW(w);
  if (self->presentation) return;
  adw_flap_set_reveal_flap(self->flap, !adw_flap_get_reveal_flap(self->flap));
}

/* Enabled only while the lesson declares a figure (update_lesson_actions). */
static void action_export_figure(GtkWidget *w, const char *n, GVariant *p) {
  (void)n; (void)p;
  ObWindow *self = OB_WINDOW(w);
  const ObLessonInfo *info = self->lesson_id ? ob_lesson_find(self->lesson_id) : NULL;
  if (!info || !info->figure || !ob_figure_exists(info->figure)) return;
  ObLessonView *view = ob_window_get_lesson_view(self);
  ob_figure_export_dialog(GTK_WINDOW(self), self->settings, info->figure,
                          view ? ob_lesson_view_get_figure_params(view) : NULL);
}

/* ---- GObject ---- */

static gboolean on_close_request(GtkWindow *window, gpointer data) {
  (void)data;
  ObWindow *self = OB_WINDOW(window);
  if (self->settings && !self->presentation && !gtk_window_is_fullscreen(window)) {
    int width, height;
    gtk_window_get_default_size(window, &width, &height);
    if (width > 0 && height > 0) {
      g_settings_set_int(self->settings, "window-width", MAX(width, 360));
      g_settings_set_int(self->settings, "window-height", MAX(height, 360));
    }
    g_settings_set_boolean(self->settings, "window-maximized", gtk_window_is_maximized(window));
  }
  return FALSE;
}

static void on_scale_changed(GSettings *settings, const char *key, ObWindow *self) {
  (void)settings; (void)key;
  update_presentation_css(self);
}

static void ob_window_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec) {
  if (id == PROP_PRESENTATION) g_value_set_boolean(value, OB_WINDOW(object)->presentation);
  else G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
}

static void ob_window_set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec) {
  if (id == PROP_PRESENTATION) ob_window_set_presentation(OB_WINDOW(object), g_value_get_boolean(value));
  else G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
}

static void ob_window_dispose(GObject *object) {
  ObWindow *self = OB_WINDOW(object);
  if (self->presentation_css) {
    gtk_style_context_remove_provider_for_display(gtk_widget_get_display(GTK_WIDGET(self)),
                                                  GTK_STYLE_PROVIDER(self->presentation_css));
    g_clear_object(&self->presentation_css);
  }
  if (self->settings) g_signal_handlers_disconnect_by_data(self->settings, self);
  g_clear_object(&self->settings);
  gtk_widget_dispose_template(GTK_WIDGET(self), OB_TYPE_WINDOW);
  G_OBJECT_CLASS(ob_window_parent_class)->dispose(object);
}

static void ob_window_finalize(GObject *object) {
  g_free(OB_WINDOW(object)->lesson_id);
  G_OBJECT_CLASS(ob_window_parent_class)->finalize(object);
}

static void ob_window_class_init(ObWindowClass *klass) {
  GObjectClass *object_class = G_OBJECT_CLASS(klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
  object_class->get_property = ob_window_get_property;
  object_class->set_property = ob_window_set_property;
  object_class->dispose = ob_window_dispose;
  object_class->finalize = ob_window_finalize;

  properties[PROP_PRESENTATION] = g_param_spec_boolean("presentation", NULL, NULL, FALSE,
      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties(object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource(widget_class, "/io/github/optbench/Workbench/ob-window.ui");
  gtk_widget_class_bind_template_child(widget_class, ObWindow, header_bar);
  gtk_widget_class_bind_template_child(widget_class, ObWindow, window_title);
  gtk_widget_class_bind_template_child(widget_class, ObWindow, flap);
  gtk_widget_class_bind_template_child(widget_class, ObWindow, sidebar);
  gtk_widget_class_bind_template_child(widget_class, ObWindow, search_entry);
  gtk_widget_class_bind_template_child(widget_class, ObWindow, lesson_list);
  gtk_widget_class_bind_template_child(widget_class, ObWindow, no_results_label);
  gtk_widget_class_bind_template_child(widget_class, ObWindow, lesson_stack);

  gtk_widget_class_install_action(widget_class, "win.open-lesson", "s", action_open_lesson);
  gtk_widget_class_install_action(widget_class, "win.next-lesson", NULL, action_next);
  gtk_widget_class_install_action(widget_class, "win.previous-lesson", NULL, action_previous);
  gtk_widget_class_install_property_action(widget_class, "win.presentation", "presentation");
  gtk_widget_class_install_action(widget_class, "win.leave-presentation", NULL, action_leave_presentation);
  gtk_widget_class_install_action(widget_class, "win.fullscreen", NULL, action_fullscreen);
  gtk_widget_class_install_action(widget_class, "win.search", NULL, action_search);
  gtk_widget_class_install_action(widget_class, "win.toggle-sidebar", NULL, action_toggle_sidebar);
  gtk_widget_class_install_action(widget_class, "win.export-figure", NULL, action_export_figure);

  gtk_widget_class_add_binding_action(widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action(widget_class, GDK_KEY_F9, 0, "win.toggle-sidebar", NULL);
  gtk_widget_class_add_binding_action(widget_class, GDK_KEY_F11, 0, "win.fullscreen", NULL);
  gtk_widget_class_add_binding_action(widget_class, GDK_KEY_F5, 0, "win.presentation", NULL);
  gtk_widget_class_add_binding_action(widget_class, GDK_KEY_Escape, 0, "win.leave-presentation", NULL);
  gtk_widget_class_add_binding_action(widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                      "win.export-figure", NULL);
  /* Arrows bubble, so an editor with focus keeps them; Page Up/Down (what presentation clickers
   * send) are caught before the scrolled lesson page would use them: see ob_window_init. */
  gtk_widget_class_add_binding_action(widget_class, GDK_KEY_Right, 0, "win.next-lesson", NULL);
  gtk_widget_class_add_binding_action(widget_class, GDK_KEY_Down, 0, "win.next-lesson", NULL);
  gtk_widget_class_add_binding_action(widget_class, GDK_KEY_Left, 0, "win.previous-lesson", NULL);
  gtk_widget_class_add_binding_action(widget_class, GDK_KEY_Up, 0, "win.previous-lesson", NULL);
}

static void ob_window_init(ObWindow *self) {
  gtk_widget_init_template(GTK_WIDGET(self));

  GtkEventController *keys = gtk_shortcut_controller_new();
  gtk_event_controller_set_propagation_phase(keys, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut(GTK_SHORTCUT_CONTROLLER(keys),
      gtk_shortcut_new(gtk_keyval_trigger_new(GDK_KEY_Page_Down, 0),
                       gtk_named_action_new("win.next-lesson")));
  gtk_shortcut_controller_add_shortcut(GTK_SHORTCUT_CONTROLLER(keys),
      gtk_shortcut_new(gtk_keyval_trigger_new(GDK_KEY_Page_Up, 0),
                       gtk_named_action_new("win.previous-lesson")));
  gtk_widget_add_controller(GTK_WIDGET(self), keys);

  g_signal_connect(self, "close-request", G_CALLBACK(on_close_request), NULL);
  gtk_list_box_set_header_func(self->lesson_list, update_header, NULL, NULL);
  gtk_list_box_set_filter_func(self->lesson_list, filter_row, self, NULL);
  g_signal_connect(self->search_entry, "search-changed", G_CALLBACK(on_search_changed), self);
  g_signal_connect(self->search_entry, "activate", G_CALLBACK(on_search_activate), self);
  g_signal_connect(self->search_entry, "stop-search", G_CALLBACK(on_stop_search), self);
  g_signal_connect(self->lesson_list, "row-selected", G_CALLBACK(on_row_selected), self);

  guint n;
  const ObLessonInfo *const *all = ob_lessons_all(&n);
  for (guint i = 0; i < n; i++) gtk_list_box_append(self->lesson_list, make_row(all[i]));

  self->presentation_css = gtk_css_provider_new();
  gtk_style_context_add_provider_for_display(gtk_widget_get_display(GTK_WIDGET(self)),
                                             GTK_STYLE_PROVIDER(self->presentation_css),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 1);
  update_lesson_actions(self);
}

ObWindow *ob_window_new(AdwApplication *app, GSettings *settings) {
  ObWindow *self = g_object_new(OB_TYPE_WINDOW, "application", app, NULL);
  if (settings) {
    self->settings = g_object_ref(settings);
    gtk_window_set_default_size(GTK_WINDOW(self), g_settings_get_int(settings, "window-width"),
                                g_settings_get_int(settings, "window-height"));
    if (g_settings_get_boolean(settings, "window-maximized")) gtk_window_maximize(GTK_WINDOW(self));
    g_signal_connect(settings, "changed::presentation-scale", G_CALLBACK(on_scale_changed), self);
  } else {
    gtk_window_set_default_size(GTK_WINDOW(self), 1280, 800);
  }
  return self;
}
