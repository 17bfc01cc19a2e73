/* sirt/design.h: (being written) */
#ifndef SIRT_DESIGN_H
#define SIRT_DESIGN_H
#endif
