/* sirt/sirt.h: the umbrella header of libsirt. */
#ifndef SIRT_SIRT_H
#define SIRT_SIRT_H

#include "sirt/error.h"
#include "sirt/warning.h"
#include "sirt/time.h"
#include "sirt/catalogue.h"
#include "sirt/rules.h"
#include "sirt/case.h"
#include "sirt/plan.h"
#include "sirt/report.h"
#include "sirt/fileio.h"
#include "sirt/image.h"
#include "sirt/mask.h"
#include "sirt/dicom.h"
#include "sirt/phantom.h"
#include "sirt/dose.h"
#include "sirt/dvh.h"
#include "sirt/radiobiology.h"
#include "sirt/workup_images.h"
#include "sirt/report_pdf.h"
#include "sirt/run.h"
#include "sirt/design.h"
#include "sirt/deb.h"
#include "sirt/response.h"
#include "sirt/cohort.h"
#include "sirt/plot.h"
#include "sirt/store.h"

#ifdef __cplusplus
extern "C" {
#endif
/* Library version, e.g. "0.1.0". */
const char *sirt_version(void);
#ifdef __cplusplus
}
#endif
#endif
