/* conclusion.c — lesson "conclusion" (lecture section 5): the lecture's takeaways in our own words,
 * grouped as the lecture groups them, each a row that opens the lesson showing it (win.open-lesson).
 * Only lessons that exist are linked (ob_lesson_find); a takeaway about the PyTorch tour links the
 * first lesson of section 4 once there is one. */
#include "optbench-config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "ob-lesson.h"
#include "ob-lesson-view.h"

static void conclusion_create_panel(ObLessonView *view);

const ObLessonInfo ob_lesson_conclusion = {
  .id = "conclusion",
  .section = 5,
  .order = 0,
  .title = N_("Takeaways"),
  /* Translators: search words for the Takeaways lesson, separated by spaces */
  .keywords = N_("conclusion takeaways summary review recap"),
  .create_panel = conclusion_create_panel,
  .figure = NULL,
};

typedef struct {
  const char *text;   /* N_(): the takeaway, Pango markup */
  const char *lesson; /* the lesson that shows it; NULL: the first lesson of section 4 */
} Takeaway;

typedef struct {
  const char *title; /* N_() */
  Takeaway items[5];
} TakeawayGroup;

/* Our own summary of the lecture's section 5, in its order. */
static const TakeawayGroup groups[] = {
  {N_("1. The definitions carry over to d dimensions"),
   {{N_("The parameter <i>w</i> is a vector in ℝᵈ and the loss maps it to one number"), "loss-landscapes"},
    {N_("Derivatives turn into gradients: ∇<i>L</i>(<i>w</i>) collects the partial derivatives"), "high-dimensions"},
    {N_("Convexity is Jensen’s inequality along every segment"), "convexity"},
    {N_("Local minimizers, ∇<i>L</i>(<i>w</i>) = 0 and the Hessian test are the working vocabulary"), "optimality"},
    {NULL, NULL}}},
  {N_("2. The diagnostics stay the same"),
   {{N_("Watch the objective, the gradient norm and the plateau metric |<i>L</i>(<i>w</i><sub>k+1</sub>) − "
        "<i>L</i>(<i>w</i><sub>k</sub>)|, not the iterates"), "diagnostics"},
    {NULL, NULL}}},
  {N_("3. Gradient descent still comes from the local model"),
   {{N_("The gradient is normal to the level sets"), "level-sets"},
    {N_("<i>L</i>(<i>w</i> + Δ) ≈ <i>L</i>(<i>w</i>) + ∇<i>L</i>(<i>w</i>)ᵀΔ, and the best unit direction is "
        "−∇<i>L</i>(<i>w</i>)/‖∇<i>L</i>(<i>w</i>)‖"), "steepest-descent"},
    {N_("In code the step is <i>w</i> ← <i>w</i> − η∇<i>L</i>(<i>w</i>), with η small enough"), "gradient-descent"},
    {NULL, NULL}}},
  {N_("4. PyTorch in higher dimensions"),
   {{N_("Create tensors and change their shapes; know which operations give views and which give copies"), NULL},
    {N_("<tt>detach</tt> shares storage, <tt>clone</tt> allocates new memory"), NULL},
    {N_("Write the loss as a scalar so that <tt>backward()</tt> fills in the gradients"), NULL},
    {NULL, NULL}}},
  {N_("5. Performance is not magic"),
   {{N_("Broadcasting beats tiling by hand, and reductions beat Python loops"), NULL},
    {N_("Contiguity and the order of matrix products matter; the dtype can quietly change results"), NULL},
    {NULL, NULL}}},
};

static GtkWidget *takeaway_row(const Takeaway *t) {
  const ObLessonInfo *lesson = t->lesson ? ob_lesson_find(t->lesson) : ob_lesson_for_section(4);
  GtkWidget *row = adw_action_row_new();
  adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), _(t->text));
  adw_action_row_set_title_lines(ADW_ACTION_ROW(row), 0);
  if (lesson) {
    /* A link: activating the row runs win.open-lesson with the lesson's id. */
    /* Translators: subtitle of a takeaway row; %s is the title of the lesson it opens */
    char *sub = g_strdup_printf(_("Shown in: %s"), _(lesson->title));
    adw_action_row_set_subtitle(ADW_ACTION_ROW(row), sub);
    g_free(sub);
    adw_action_row_add_suffix(ADW_ACTION_ROW(row), gtk_image_new_from_icon_name("go-next-symbolic"));
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), TRUE);
    gtk_actionable_set_action_name(GTK_ACTIONABLE(row), "win.open-lesson");
    gtk_actionable_set_action_target(GTK_ACTIONABLE(row), "s", lesson->id);
    g_object_set_data(G_OBJECT(row), "ob-lesson-id", (gpointer)lesson->id);
  } else {
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
    gtk_widget_set_focusable(row, FALSE);
  }
  gtk_widget_add_css_class(row, "takeaway");
  return row;
}

static GtkWidget *text_label(const char *markup) {
  GtkWidget *l = gtk_label_new(NULL);
  gtk_label_set_markup(GTK_LABEL(l), markup);
  gtk_label_set_wrap(GTK_LABEL(l), TRUE);
  gtk_label_set_xalign(GTK_LABEL(l), 0);
  return l;
}

static void conclusion_create_panel(ObLessonView *view) {
  GtkWidget *page = gtk_box_new(GTK_ORIENTATION_VERTICAL, 18);
  /* Translators: Takeaways lesson, opening paragraph */
  gtk_box_append(GTK_BOX(page), text_label(_("What to keep from this lecture. Each line opens the lesson where you "
                                             "can try it out.")));
  for (guint g = 0; g < G_N_ELEMENTS(groups); g++) {
    GtkWidget *group = adw_preferences_group_new();
    adw_preferences_group_set_title(ADW_PREFERENCES_GROUP(group), _(groups[g].title));
    for (const Takeaway *t = groups[g].items; t->text; t++)
      adw_preferences_group_add(ADW_PREFERENCES_GROUP(group), takeaway_row(t));
    gtk_box_append(GTK_BOX(page), group);
  }
  /* Translators: Takeaways lesson, closing paragraph */
  gtk_box_append(GTK_BOX(page), text_label(_("<b>Next.</b> These pieces become full training loops: the loss is "
                                             "then an average over a data set and the parameters fill whole "
                                             "tensors, but the update is still the one derived here.")));
  ob_lesson_view_set_text(view, page);
}
