/* linalg.c */
#include "tn-internal.h"
