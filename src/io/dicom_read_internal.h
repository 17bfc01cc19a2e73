/* Private: per-file DICOM header parsing for the image reader (src/io/dicom_read*.c) and
 * the fuzz target. One file's header is turned into plain C values here; series assembly,
 * units and timing live in dicom_read.c. */
#ifndef SIRT_IO_DICOM_READ_INTERNAL_H
#define SIRT_IO_DICOM_READ_INTERNAL_H

#include <stddef.h>

#include "io/dcm_shim.h"
#include "sirt/dicom.h"

/* A DICOM date-time turned into seconds. `has_tz` says whether an offset from UTC was known
 * (in the DT value or TimezoneOffsetFromUTC); without it `t_s` counts the local wall clock
 * as if it were UTC (differences within one file stay right). */
typedef struct sirt__dcm_time {
    int ok;
    int has_tz;
    double t_s;     /* seconds since 1970-01-01 (UTC when has_tz, else wall clock) */
    char iso[40];   /* "YYYY-MM-DDThh:mm:ss[.ffffff][+hh:mm]" */
} sirt__dcm_time;

typedef struct sirt__dcm_header {
    char path[4096];
    char modality[17];
    char sop_class_uid[SIRT_DICOM_UID_SIZE];
    char sop_instance_uid[SIRT_DICOM_UID_SIZE];
    char patient_id[65];
    char study_uid[SIRT_DICOM_UID_SIZE];
    char series_uid[SIRT_DICOM_UID_SIZE];
    char frame_of_reference_uid[SIRT_DICOM_UID_SIZE];
    char series_description[65];
    char units[17];           /* (0054,1001), "" when absent */
    char dose_units[17];      /* RT Dose (3004,0002) */
    char decay_correction[16];/* (0054,1102) */
    int is_image;             /* has Rows, Columns and pixel data (or is a header-only scan
                               * of an image SOP) */
    size_t rows, cols, frames;/* frames = NumberOfFrames (1 when absent) */
    int has_ipp, has_iop, has_spacing;
    double ipp[3], iop[6], pixel_spacing[2]; /* PixelSpacing: row spacing, column spacing */
    double slice_thickness, spacing_between_slices; /* NaN when absent */
    double gantry_tilt_deg;   /* NaN when absent */
    double rescale_slope, rescale_intercept; /* 1 and 0 when absent */
    double dose_grid_scaling; /* NaN when absent */
    double *frame_offsets;    /* GridFrameOffsetVector (RT Dose), owned; NULL when absent */
    size_t n_frame_offsets;
    size_t n_slices_nm;       /* NM NumberOfSlices (0054,0081); 0 when absent */
    /* RealWorldValueMapping (0040,9096), first item: NaN when absent. */
    double rwvm_slope, rwvm_intercept;
    char rwvm_units[17];
    /* Timing. */
    sirt__dcm_time acquisition, series, injection;
    double injected_activity_bq, half_life_s, frame_duration_s; /* NaN when absent */
    char injection_source[48]; /* which tag gave the injection time */
} sirt__dcm_header;

void sirt__dcm_header_clear(sirt__dcm_header *h);

/* Parse one loaded file's header into `h` (cleared first; free with
 * sirt__dcm_header_clear). `name` is used in messages. Absurd dimensions (Rows or Columns 0,
 * NumberOfFrames < 1 or > 65535, product over SIRT_IMAGE_MAX_VOXELS) are errors. Files
 * without pixel data (RTSTRUCT, SEG, ...) parse with is_image = 0. */
sirt_status sirt__dcm_header_parse(sirt_dcm_file *file, const char *name, int with_pixels,
                                   sirt__dcm_header *h, sirt_error *err);

/* DICOM DA + TM (or DT) to a time. tz_hint: TimezoneOffsetFromUTC ("+hhmm"/"-hhmm") or
 * NULL. Returns 1 when parsed. */
int sirt__dcm_parse_datetime(const char *da, const char *tm, const char *dt,
                             const char *tz_hint, sirt__dcm_time *out);

#endif
