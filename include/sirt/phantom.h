/* sirt/phantom.h: the digital patient (placeholder; filled by the phantom work). */
#ifndef SIRT_PHANTOM_H
#define SIRT_PHANTOM_H
#endif
