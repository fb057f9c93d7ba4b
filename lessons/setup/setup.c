/* setup.c — lesson "setup" (lecture section 3, "Dev environment"): the lecture's check that a
 * student's set-up runs lecture 1's script — one-dimensional gradient descent on a quadratic,
 * L(w) = a (w − c)², with its diagnostics plot (figure gd_torch_quadratic_diagnostics) — run here
 * by the engine's autograd (ob_figure_gd_run), and what this installation runs on (engine,
 * OpenBLAS and its threads, CPU, CUDA, toolkit versions) with a Copy button, for an instructor
 * helping a student.
 *
 * Reports (ob_lesson_view_get_report), for the display test:
 *   "w", "loss", "grad"   w_K, L(w_K) and |L'(w_K)| after the last step K the engine ran
 *   "iterations"          K: the steps run (fewer than asked when the run diverged)
 *   "diverged"            "true" when the iterates overflowed, else "false"
 *   "factor"              1 − 2aη, what each step multiplies w − c by
 *   "environment"         the installation report that Copy puts on the clipboard
 *   "engine-version"      TN_VERSION_STRING
 *   "copied"              "true" once Copy ran
 */
#include "optbench-config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>
#include <adwaita.h>
#include <gtksourceview/gtksource.h>
#include <cairo.h>
#include <pango/pango.h>

#include "ob-lesson.h"
#include "ob-lesson-view.h"
#include "ob-plot-view.h"
#include "figures.h"
#include "tn.h"

/* OpenBLAS's own queries (cblas.h need not declare them); weak, so a build against another BLAS
 * links and says so instead. */
extern char *openblas_get_config(void) __attribute__((weak));
extern int openblas_get_num_threads(void) __attribute__((weak));
extern char *openblas_get_corename(void) __attribute__((weak));

static void setup_create_panel(ObLessonView *view);

const ObLessonInfo ob_lesson_setup = {
  .id = "setup",
  .section = 3,
  .order = 0,
  .title = N_("Set-up: Your Environment"),
  /* Translators: search words for the set-up lesson, separated by spaces */
  .keywords = N_("setup environment install uv venv openblas cuda threads version gradient descent quadratic diagnostics lecture1"),
  .create_panel = setup_create_panel,
  .figure = "gd_torch_quadratic_diagnostics",
};

enum { MAX_STEPS = 500 };

typedef struct {
  ObLessonView *view; /* owns this model */
  ObPlotView *plot;
  GtkAdjustment *a, *c, *w0, *eta, *steps; /* owned references */
  GtkWidget *result_box;
  GtkLabel *result_lines[5];
  ObFigureParams params;   /* what the panel shows */
  ObFigureParams plotted;  /* the same, cut short before an overflow */
  double w[MAX_STEPS + 1], loss[MAX_STEPS + 1], grad[MAX_STEPS + 1];
  int iterations;
  gboolean diverged;
  char *error; /* an engine error other than divergence */
} Setup;

static void setup_free(gpointer data) {
  Setup *m = data;
  g_clear_object(&m->a);
  g_clear_object(&m->c);
  g_clear_object(&m->w0);
  g_clear_object(&m->eta);
  g_clear_object(&m->steps);
  g_free(m->error);
  g_free(m);
}

/* A number as the panel shows it: six significant digits, locale-independent. */
static char *fmt(double v) {
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup(g_ascii_formatd(buf, sizeof buf, "%.6g", v));
}

/* "L(w) = a(w − c)²" with the current numbers, as Pango markup. */
static char *loss_markup(const ObFigureParams *p) {
  char *a = fmt(p->gd_a), *c = fmt(fabs(p->gd_c));
  char *text = p->gd_c == 0 ? g_strdup_printf("<i>L</i>(<i>w</i>) = %s<i>w</i>²", p->gd_a == 1 ? "" : a)
                            : g_strdup_printf("<i>L</i>(<i>w</i>) = %s(<i>w</i> %s %s)²", p->gd_a == 1 ? "" : a,
                                              p->gd_c < 0 ? "+" : "−", c);
  g_free(a);
  g_free(c);
  return text;
}

/* ---- the figure ---- */

static PlotFigure *build_figure(gpointer data, double width_pt, double height_pt) {
  (void)width_pt;
  (void)height_pt;
  Setup *m = data;
  char *error = NULL;
  PlotFigure *fig = ob_figure_build("gd_torch_quadratic_diagnostics", &m->plotted, &error);
  if (!fig) {
    g_free(error); /* shown in the result line already */
    return NULL;
  }
  /* The figure's words in the reader's language (the numbers and formulas stay as they are). */
  char *loss = loss_markup(&m->params), *w0 = fmt(m->params.gd_w0), *eta = fmt(m->params.gd_eta);
  /* Translators: title of the set-up lesson's plot; %s: the loss formula, w₀ and η as numbers */
  char *title = g_strdup_printf(_("Gradient descent on %s,  <i>w</i><sub>0</sub> = %s,  η = %s"), loss, w0, eta);
  plot_figure_set_title(fig, title);
  g_free(title);
  g_free(loss);
  g_free(w0);
  g_free(eta);
  PlotAxes *left = plot_figure_get_axes(fig, 0), *right = plot_figure_get_axes(fig, 1);
  if (left) {
    plot_axes_set_title(left, _("Loss"));
    plot_axes_set_xlabel(left, _("iteration <i>k</i>"));
    plot_axes_set_ylabel(left, _("loss <i>L</i>(<i>w</i><sub><i>k</i></sub>)"));
  }
  if (right) {
    plot_axes_set_title(right, _("Gradient magnitude"));
    plot_axes_set_xlabel(right, _("iteration <i>k</i>"));
  }
  return fig;
}

/* ---- the run ---- */

static void report_double(ObLessonView *view, const char *key, double v) {
  ob_lesson_view_report_doubles(view, key, &v, 1);
}

static void run(Setup *m) {
  ObFigureParams *p = &m->params;
  p->gd_a = gtk_adjustment_get_value(m->a);
  p->gd_c = gtk_adjustment_get_value(m->c);
  p->gd_w0 = gtk_adjustment_get_value(m->w0);
  p->gd_eta = gtk_adjustment_get_value(m->eta);
  p->gd_steps = (int)lround(gtk_adjustment_get_value(m->steps));
  for (int k = 0; k <= MAX_STEPS; k++) m->w[k] = m->loss[k] = m->grad[k] = NAN;
  char *error = NULL;
  gboolean ok = ob_figure_gd_run(p, m->w, m->loss, m->grad, &error);
  /* On divergence the engine stops at the first non-finite value: the iterates before it are
   * what the panel shows, and the plot is cut there. */
  int last = p->gd_steps;
  if (!ok) {
    last = -1;
    while (last < p->gd_steps && isfinite(m->loss[last + 1]) && isfinite(m->grad[last + 1])) last++;
  }
  m->diverged = !ok && error && strstr(error, "diverged") != NULL;
  g_clear_pointer(&m->error, g_free);
  if (!ok && !m->diverged) m->error = g_strdup(error ? error : "");
  g_free(error);
  m->iterations = last < 0 ? 0 : last;
  m->plotted = *p;
  m->plotted.gd_steps = MAX(1, m->iterations);

  ObLessonView *view = m->view;
  double factor = 1 - 2 * p->gd_a * p->gd_eta;
  report_double(view, "factor", factor);
  ob_lesson_view_report(view, "diverged", m->diverged ? "true" : "false");
  char count[32];
  g_snprintf(count, sizeof count, "%d", m->iterations);
  ob_lesson_view_report(view, "iterations", count);
  if (last >= 0) {
    report_double(view, "w", m->w[last]);
    report_double(view, "loss", m->loss[last]);
    report_double(view, "grad", m->grad[last]);
  }
  ob_lesson_view_set_figure_params(view, m->diverged ? &m->plotted : p);

  /* The result: the engine's last iterate beside the closed form. Short lines that do not wrap
   * (a wrapping label that changes with every click of a spin button re-measures the whole page,
   * several times slower than the plot) and fit a narrow window. */
  int K = m->iterations;
  char *lines[5] = {NULL, NULL, NULL, NULL, NULL};
  if (m->error) {
    /* Translators: %s is the engine's message */
    lines[0] = g_markup_printf_escaped(_("The engine could not run this: %s"), m->error);
  } else {
    char *wk = fmt(m->w[K]), *lk = fmt(m->loss[K]), *gk = fmt(m->grad[K]), *f = fmt(factor);
    char *closed = fmt(p->gd_c + pow(factor, K) * (p->gd_w0 - p->gd_c));
    const char *verdict = m->diverged ? _("diverges: |1 − 2aη| &gt; 1, the iterates overflow")
                          : fabs(factor) < 1 ? (factor < 0 ? _("converges, overshooting c each step (1 − 2aη &lt; 0)")
                                                           : _("converges: |1 − 2aη| &lt; 1"))
                          : fabs(factor) == 1 ? _("does not converge: |1 − 2aη| = 1")
                                              : _("diverges: |1 − 2aη| &gt; 1");
    /* Translators: the result of the run; %d the step count K, %s the last iterate w_K */
    lines[0] = g_strdup_printf(_("After <b>%d</b> steps: <i>w</i><sub>K</sub> = <b>%s</b>"), K, wk);
    /* Translators: the loss and the derivative's magnitude at the last iterate */
    lines[1] = g_strdup_printf(_("<i>L</i>(<i>w</i><sub>K</sub>) = %s,   |<i>L</i>′(<i>w</i><sub>K</sub>)| = %s"), lk, gk);
    /* Translators: the closed form of the K-th iterate, with its value */
    lines[2] = g_strdup_printf(_("Closed form <i>c</i> + (1 − 2<i>a</i>η)<sup>K</sup>(<i>w</i><sub>0</sub> − <i>c</i>) = %s"), closed);
    lines[3] = g_strdup_printf("1 − 2<i>a</i>η = %s", f); /* a formula: nothing to translate */
    lines[4] = g_strdup_printf("<b>%s</b>", verdict);
    g_free(wk);
    g_free(lk);
    g_free(gk);
    g_free(f);
    g_free(closed);
  }
  for (int i = 0; i < 5; i++) {
    gtk_label_set_markup(m->result_lines[i], lines[i] ? lines[i] : "");
    gtk_widget_set_visible(GTK_WIDGET(m->result_lines[i]), lines[i] != NULL);
    g_free(lines[i]);
  }

  /* What the plot shows, for screen readers. */
  char *desc;
  if (m->error || last < 0) {
    desc = g_strdup(_("No plot: the engine could not run gradient descent with these values."));
  } else {
    char *l0 = fmt(m->loss[0]), *lk = fmt(m->loss[K]), *g0 = fmt(m->grad[0]), *gk = fmt(m->grad[K]);
    /* Translators: accessible description of the set-up lesson's plot */
    desc = g_strdup_printf(_("Two plots over %d iterations on logarithmic axes: the loss goes from %s to %s, "
                             "the gradient magnitude from %s to %s%s"),
                           K, l0, lk, g0, gk, m->diverged ? _(" (the run diverged)") : ".");
    g_free(l0);
    g_free(lk);
    g_free(g0);
    g_free(gk);
  }
  ob_plot_view_set_description(m->plot, desc);
  g_free(desc);
  ob_plot_view_queue_rebuild(m->plot);
}

static void on_value_changed(GtkAdjustment *adj, Setup *m) {
  (void)adj;
  run(m);
}

/* ---- the controls ---- */

static GtkAdjustment *add_spin_row(AdwPreferencesGroup *group, Setup *m, const char *title, const char *subtitle,
                                   const char *name, double value, double lo, double hi, double step, int digits) {
  GtkAdjustment *adj = gtk_adjustment_new(value, lo, hi, step, step * 10, 0);
  GtkWidget *spin = gtk_spin_button_new(adj, step, (guint)digits);
  gtk_widget_set_name(spin, name);
  gtk_widget_set_valign(spin, GTK_ALIGN_CENTER);
  gtk_spin_button_set_numeric(GTK_SPIN_BUTTON(spin), TRUE);
  GtkWidget *row = adw_action_row_new();
  adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
  adw_preferences_row_set_use_underline(ADW_PREFERENCES_ROW(row), TRUE);
  adw_action_row_set_subtitle(ADW_ACTION_ROW(row), subtitle);
  adw_action_row_add_suffix(ADW_ACTION_ROW(row), spin);
  adw_action_row_set_activatable_widget(ADW_ACTION_ROW(row), spin);
  gtk_accessible_update_relation(GTK_ACCESSIBLE(spin), GTK_ACCESSIBLE_RELATION_LABELLED_BY, row, NULL, -1);
  adw_preferences_group_add(group, row);
  g_signal_connect(adj, "value-changed", G_CALLBACK(on_value_changed), m);
  return g_object_ref(adj);
}

/* ---- what this installation runs on ---- */

static void cpu_info(char **model, int *logical) {
  *model = NULL;
  *logical = 0;
  char *text = NULL;
  if (g_file_get_contents("/proc/cpuinfo", &text, NULL, NULL)) {
    char **lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
      if (g_str_has_prefix(*l, "processor")) (*logical)++;
      if (!*model && (g_str_has_prefix(*l, "model name") || g_str_has_prefix(*l, "Model"))) {
        const char *colon = strchr(*l, ':');
        if (colon) *model = g_strstrip(g_strdup(colon + 1));
      }
    }
    g_strfreev(lines);
    g_free(text);
  }
  if (*logical == 0) *logical = (int)g_get_num_processors();
}

static char *nvidia_driver(void) {
  char *text = NULL;
  if (!g_file_get_contents("/proc/driver/nvidia/version", &text, NULL, NULL)) return NULL;
  char *nl = strchr(text, '\n');
  if (nl) *nl = 0;
  return g_strstrip(text);
}

typedef struct {
  const char *title;
  char *value;
} EnvRow;

/* The rows of the report (values newly allocated) and the plain text Copy puts on the clipboard. */
static int environment(EnvRow *rows, int max, char **text) {
  int n = 0;
#define ROW(t, v) do { if (n < max) { rows[n].title = (t); rows[n].value = (v); n++; } } while (0)
  ROW(_("Optimization Workbench"), g_strdup(OPTBENCH_VERSION));
  ROW(_("Tensor engine (libtn)"), g_strdup(TN_VERSION_STRING));
  if (openblas_get_config) {
    const char *core = openblas_get_corename ? openblas_get_corename() : NULL;
    ROW("OpenBLAS", core ? g_strdup_printf("%s (%s)", openblas_get_config(), core) : g_strdup(openblas_get_config()));
  } else {
    ROW("OpenBLAS", g_strdup(_("not linked (another BLAS library)")));
  }
  if (openblas_get_num_threads) {
    int threads = openblas_get_num_threads();
    ROW(_("BLAS threads"), g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%d thread", "%d threads", (gulong)threads), threads));
  }
  char *model;
  int logical;
  cpu_info(&model, &logical);
  /* Translators: the CPU row; %s the processor's name, %d its logical cores */
  ROW("CPU", g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%s, %d logical core", "%s, %d logical cores", (gulong)logical),
                                model ? model : _("unknown processor"), logical));
  g_free(model);
  ROW("CUDA", g_strdup(_("not built: this engine has no CUDA backend yet, so everything runs on the CPU")));
  char *driver = nvidia_driver();
  ROW("GPU", driver ? driver : g_strdup(_("no NVIDIA device found")));
  ROW("GTK", g_strdup_printf("%u.%u.%u", gtk_get_major_version(), gtk_get_minor_version(), gtk_get_micro_version()));
  ROW("libadwaita", g_strdup_printf("%u.%u.%u", adw_get_major_version(), adw_get_minor_version(), adw_get_micro_version()));
  ROW("GtkSourceView", g_strdup_printf("%d.%d.%d", GTK_SOURCE_MAJOR_VERSION, GTK_SOURCE_MINOR_VERSION, GTK_SOURCE_MICRO_VERSION));
  ROW("GLib, cairo, Pango", g_strdup_printf("%u.%u.%u, %s, %s", glib_major_version, glib_minor_version, glib_micro_version,
                                               cairo_version_string(), pango_version_string()));
  char *os = g_get_os_info(G_OS_INFO_KEY_PRETTY_NAME);
  ROW(_("Operating system"), os ? os : g_strdup(_("unknown")));
#undef ROW
  GString *s = g_string_new(NULL);
  for (int i = 0; i < n; i++) g_string_append_printf(s, "%s: %s\n", rows[i].title, rows[i].value);
  *text = g_string_free(s, FALSE);
  return n;
}

static void on_copy(GtkButton *button, ObLessonView *view) {
  const char *text = ob_lesson_view_get_report(view, "environment");
  if (!text) return;
  gdk_clipboard_set_text(gtk_widget_get_clipboard(GTK_WIDGET(button)), text);
  ob_lesson_view_report(view, "copied", "true");
}

static GtkWidget *environment_group(ObLessonView *view) {
  GtkWidget *group = adw_preferences_group_new();
  adw_preferences_group_set_title(ADW_PREFERENCES_GROUP(group), _("This Installation"));
  adw_preferences_group_set_description(ADW_PREFERENCES_GROUP(group),
                                        _("What the workbench runs on here. When a student asks for help, copy this "
                                          "into the message: it answers the first questions."));
  GtkWidget *copy = gtk_button_new();
  GtkWidget *content = adw_button_content_new();
  adw_button_content_set_icon_name(ADW_BUTTON_CONTENT(content), "edit-copy-symbolic");
  adw_button_content_set_label(ADW_BUTTON_CONTENT(content), _("_Copy Report"));
  adw_button_content_set_use_underline(ADW_BUTTON_CONTENT(content), TRUE);
  gtk_button_set_child(GTK_BUTTON(copy), content);
  gtk_widget_set_tooltip_text(copy, _("Copy the report to the clipboard"));
  gtk_widget_set_valign(copy, GTK_ALIGN_CENTER);
  gtk_widget_set_name(copy, "copy-report");
  g_signal_connect(copy, "clicked", G_CALLBACK(on_copy), view);
  adw_preferences_group_set_header_suffix(ADW_PREFERENCES_GROUP(group), copy);
  EnvRow rows[16];
  char *text;
  int n = environment(rows, G_N_ELEMENTS(rows), &text);
  for (int i = 0; i < n; i++) {
    /* The value as the subtitle: long ones (OpenBLAS's configuration) wrap over the row's width. */
    GtkWidget *row = adw_action_row_new();
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), rows[i].title);
    char *escaped = g_markup_escape_text(rows[i].value, -1);
    adw_action_row_set_subtitle(ADW_ACTION_ROW(row), escaped);
    g_free(escaped);
    adw_preferences_group_add(ADW_PREFERENCES_GROUP(group), row);
    g_free(rows[i].value);
  }
  ob_lesson_view_report(view, "environment", text);
  ob_lesson_view_report(view, "engine-version", TN_VERSION_STRING);
  g_free(text);
  return group;
}

/* ---- the panel ---- */

static GtkWidget *text_label(const char *markup, const char *css) {
  GtkWidget *label = gtk_label_new(NULL);
  gtk_label_set_markup(GTK_LABEL(label), markup);
  gtk_label_set_wrap(GTK_LABEL(label), TRUE);
  gtk_label_set_xalign(GTK_LABEL(label), 0);
  if (css) gtk_widget_add_css_class(label, css);
  return label;
}

static void setup_create_panel(ObLessonView *view) {
  Setup *m = g_new0(Setup, 1);
  m->view = view;
  g_object_set_data_full(G_OBJECT(view), "setup-model", m, setup_free);
  ob_figure_params_default(&m->params);

  GtkWidget *text = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_add_css_class(text, "lesson-text");
  gtk_box_append(GTK_BOX(text),
                 text_label(_("Before any PyTorch, the lecture makes sure that everyone can run code: a project under "
                              "version control, an isolated Python environment made with uv, and one script from lecture 1 "
                              "that has to run and save its diagnostics plot. That script is what runs below, on this "
                              "workbench's engine, with autograd computing the derivative."),
                            NULL));
  gtk_box_append(GTK_BOX(text),
                 text_label("<i>L</i>(<i>w</i>) = <i>a</i>(<i>w</i> − <i>c</i>)²,   "
                            "<i>L</i>′(<i>w</i>) = 2<i>a</i>(<i>w</i> − <i>c</i>),   "
                            "<i>w</i><sub><i>k</i>+1</sub> = <i>w</i><sub><i>k</i></sub> − η <i>L</i>′(<i>w</i><sub><i>k</i></sub>)",
                            "title-4")); /* formulas only: nothing to translate */
  gtk_box_append(GTK_BOX(text),
                 text_label(_("Every step multiplies the distance to the minimizer by the same number, so "
                              "<i>w</i><sub><i>k</i></sub> = <i>c</i> + (1 − 2<i>a</i>η)<sup><i>k</i></sup>(<i>w</i><sub>0</sub> − <i>c</i>). "
                              "For 0 &lt; η &lt; 1/<i>a</i> the run converges and the loss and |<i>L</i>′| fall geometrically: "
                              "straight lines on the logarithmic axes. Past η = 1/<i>a</i> the iterates grow instead."),
                            NULL));
  ob_lesson_view_set_text(view, text);

  m->plot = OB_PLOT_VIEW(ob_plot_view_new(build_figure, m, _("Diagnostics of the gradient descent run")));
  gtk_widget_set_name(GTK_WIDGET(m->plot), "plot");
  ob_plot_view_set_natural_size(m->plot, 760, 400);
  ob_lesson_view_set_visual(view, GTK_WIDGET(m->plot), NULL);

  GtkWidget *controls = gtk_box_new(GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_hexpand(controls, TRUE);
  GtkWidget *gd = adw_preferences_group_new();
  adw_preferences_group_set_title(ADW_PREFERENCES_GROUP(gd), _("Gradient Descent on a Quadratic"));
  AdwPreferencesGroup *g = ADW_PREFERENCES_GROUP(gd);
  const ObFigureParams *d = &m->params;
  m->a = add_spin_row(g, m, _("Curvature _a"), _("L(w) = a(w − c)², a &gt; 0"), "a-spin", d->gd_a, 0.1, 10, 0.1, 2);
  m->c = add_spin_row(g, m, _("_Minimizer c"), _("where L is smallest"), "c-spin", d->gd_c, -10, 10, 0.1, 2);
  m->w0 = add_spin_row(g, m, _("Start _w₀"), _("the first iterate"), "w0-spin", d->gd_w0, -10, 10, 0.1, 2);
  m->eta = add_spin_row(g, m, _("Step si_ze η"), _("converges for η &lt; 1/a"), "eta-spin", d->gd_eta, 0.001, 2, 0.005, 3);
  m->steps = add_spin_row(g, m, _("Number of ste_ps K"), _("iterations after the start"), "steps-spin", d->gd_steps, 1, MAX_STEPS, 1, 0);
  gtk_box_append(GTK_BOX(controls), gd);
  m->result_box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_name(m->result_box, "result");
  gtk_widget_add_css_class(m->result_box, "card");
  gtk_widget_add_css_class(m->result_box, "setup-result");
  for (int i = 0; i < 5; i++) {
    GtkWidget *line = gtk_label_new(NULL);
    gtk_label_set_xalign(GTK_LABEL(line), 0);
    m->result_lines[i] = GTK_LABEL(line);
    gtk_box_append(GTK_BOX(m->result_box), line);
  }
  gtk_box_append(GTK_BOX(controls), m->result_box);
  gtk_box_append(GTK_BOX(controls), environment_group(view));
  ob_lesson_view_set_controls(view, controls);

  char *code = ob_lesson_load_text("setup", "example.py");
  ob_lesson_view_set_example(view, code);
  g_free(code);

  run(m);
  /* After the handlers: a restored value runs the panel's own update. */
  ob_lesson_view_bind_state(view, "a", m->a, "value");
  ob_lesson_view_bind_state(view, "c", m->c, "value");
  ob_lesson_view_bind_state(view, "w0", m->w0, "value");
  ob_lesson_view_bind_state(view, "eta", m->eta, "value");
  ob_lesson_view_bind_state(view, "steps", m->steps, "value");
}
