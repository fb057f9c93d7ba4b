/* view.c */
#include "tn-internal.h"
