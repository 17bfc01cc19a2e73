/* sirt/deb.h: (being written) */
#ifndef SIRT_DEB_H
#define SIRT_DEB_H
#endif
