/* ob-preferences.h — the Preferences window, every row bound to a GSettings key. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define OB_TYPE_PREFERENCES (ob_preferences_get_type())
G_DECLARE_FINAL_TYPE(ObPreferences, ob_preferences, OB, PREFERENCES, AdwPreferencesWindow)

/* settings may be NULL (no schema installed): the rows then change nothing. */
ObPreferences *ob_preferences_new(GSettings *settings);

G_END_DECLS
