/* sirt/cohort.h: (being written) */
#ifndef SIRT_COHORT_H
#define SIRT_COHORT_H
#endif
