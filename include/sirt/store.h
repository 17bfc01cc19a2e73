/* sirt/store.h: (being written) */
#ifndef SIRT_STORE_H
#define SIRT_STORE_H
#endif
