/* Private: the one thin C++ shim over DCMTK (src/io/dcm_shim.cpp), as a C API.
 *
 * It knows how to load, navigate, fill and save a DICOM dataset, and nothing about what
 * the tags mean: series sorting, units, timing, contours and every check live in C
 * (src/io/dicom_*.c). Items are borrowed pointers into their file and live as long as it.
 * Every function is safe on any input file: a missing tag, a wrong VR or a short value is a
 * "not found" or an error, never a crash. */
#ifndef SIRT_IO_DCM_SHIM_H
#define SIRT_IO_DCM_SHIM_H

#include <stddef.h>
#include <stdint.h>

#include "sirt/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sirt_dcm_file sirt_dcm_file; /* a loaded file, or a new dataset to write */
typedef struct sirt_dcm_item sirt_dcm_item; /* the dataset or one item of a sequence (borrowed) */

/* (group, element) packed as 0xGGGGEEEE. */
#define SIRT_DCM_TAG(g, e) ((((uint32_t)(g)) << 16) | (uint32_t)(e))

/* --- reading ------------------------------------------------------------------------ */

/* Load a DICOM Part 10 file (or a bare dataset without preamble). with_pixels = 0 stops
 * before PixelData, for a fast scan of a folder. Compressed transfer syntaxes (RLE, JPEG,
 * JPEG-LS) are decoded when pixels are read. Errors name the path. */
sirt_status sirt__dcm_load(const char *path, int with_pixels, sirt_dcm_file **out,
                           sirt_error *err);
/* The same from memory (the fuzz target's entry point); `name` is used in messages. */
sirt_status sirt__dcm_load_buffer(const void *data, size_t size, const char *name,
                                  sirt_dcm_file **out, sirt_error *err);
void sirt__dcm_free(sirt_dcm_file *file);

sirt_dcm_item *sirt__dcm_root(sirt_dcm_file *file);
/* Transfer syntax UID of the file as loaded ("" when unknown). */
const char *sirt__dcm_transfer_syntax(const sirt_dcm_file *file);

int sirt__dcm_has(const sirt_dcm_item *item, uint32_t tag);
/* The whole value as text (multiple values joined by '\\'), leading and trailing spaces
 * removed. Returns 1 and fills buf (always terminated) when the tag is present and not
 * empty, 0 otherwise; a value longer than buf is truncated and returns 0. */
int sirt__dcm_get_string(const sirt_dcm_item *item, uint32_t tag, char *buf, size_t size);
/* Number of values (VM) of the element; 0 when absent. */
size_t sirt__dcm_vm(const sirt_dcm_item *item, uint32_t tag);
/* Value `index` of a numeric element (DS, IS, US, SS, UL, SL, FL, FD, or a numeric string)
 * as a double. Returns 1 on success, 0 when absent, out of range or not a finite number. */
int sirt__dcm_get_double(const sirt_dcm_item *item, uint32_t tag, size_t index, double *out);
/* Items of a sequence: count (0 when absent or not a sequence) and item `index` (NULL when
 * out of range). */
size_t sirt__dcm_seq_count(const sirt_dcm_item *item, uint32_t tag);
sirt_dcm_item *sirt__dcm_seq_item(const sirt_dcm_item *item, uint32_t tag, size_t index);

/* Stored pixel values of every frame (before any rescale), frame after frame, rows then
 * columns, as doubles: Rows*Columns*NumberOfFrames values. BitsAllocated 1, 8, 16 or 32,
 * PixelRepresentation honoured, BitsStored masked and sign-extended; FloatPixelData and
 * DoubleFloatPixelData also accepted. SamplesPerPixel must be 1. `count` must equal the
 * number of values the header announces, else SIRT_EFORMAT naming both. */
sirt_status sirt__dcm_get_pixels(sirt_dcm_file *file, double *out, size_t count,
                                 sirt_error *err);

/* --- writing ------------------------------------------------------------------------ */

sirt_status sirt__dcm_new(sirt_dcm_file **out, sirt_error *err);
/* Put a value with the VR from DCMTK's dictionary; a multi-valued string uses '\\'. */
sirt_status sirt__dcm_put_string(sirt_dcm_item *item, uint32_t tag, const char *value,
                                 sirt_error *err);
/* Put n numbers: DS and IS are formatted (DS with up to 16 characters, as the standard
 * allows), US/SS/UL/SL/FL/FD stored binary. */
sirt_status sirt__dcm_put_numbers(sirt_dcm_item *item, uint32_t tag, const double *values,
                                  size_t n, sirt_error *err);
/* Append an empty item to the sequence `tag` (created when absent). */
sirt_status sirt__dcm_seq_append(sirt_dcm_item *item, uint32_t tag, sirt_dcm_item **out,
                                 sirt_error *err);
/* PixelData as OW: 16-bit (bits 16) or 32-bit (bits 32) unsigned/signed words. */
sirt_status sirt__dcm_put_pixels(sirt_dcm_item *item, const void *words, size_t count, int bits,
                                 sirt_error *err);
/* Save as Part 10, Explicit VR Little Endian, the meta header from the dataset's SOP class and
 * instance UIDs; atomic (temporary name in the same folder, then rename; nothing left on
 * failure). Output is byte-for-byte deterministic for the same dataset. */
sirt_status sirt__dcm_save(sirt_dcm_file *file, const char *path, sirt_error *err);

#ifdef __cplusplus
}
#endif
#endif
