/* sirt/image.h: (being written) */
#ifndef SIRT_IMAGE_H
#define SIRT_IMAGE_H
#endif
