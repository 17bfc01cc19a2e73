/* sirt/response.h: (being written) */
#ifndef SIRT_RESPONSE_H
#define SIRT_RESPONSE_H
#endif
