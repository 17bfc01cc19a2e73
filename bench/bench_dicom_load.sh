#!/usr/bin/env bash
# bench_dicom_load: read a 512x512x300 CT series (one file per slice, shuffled names, int16
# with a rescale) and write it as NIfTI: `sirt convert` against dcm2niix on the same folder in
# the same run; prints both wall times, the ratio and both peak memories (bench/README.md).
#
# Usage: bench/bench_dicom_load.sh [SIRT_BINARY]   (default build/sirt)
#   BENCH_DICOM_DIMS="256 256 100" for a quick run; BENCH_DICOM_KEEP=1 keeps the files.
set -eu
SIRT=${1:-build/sirt}
PYTHON=${PYTHON:-/usr/bin/python3}
DIMS=${BENCH_DICOM_DIMS:-"512 512 300"}
command -v dcm2niix >/dev/null || { echo "bench_dicom_load: dcm2niix not found" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench_dicom_load: /usr/bin/time (package time) not found" >&2; exit 1; }
[ -x "$SIRT" ] || { echo "bench_dicom_load: $SIRT is not an executable" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/bench_dicom.XXXXXX")
[ "${BENCH_DICOM_KEEP:-0}" = 1 ] || trap 'rm -rf "$W"' EXIT

# The series, written once by pydicom: explicit VR little endian, 0.78 x 0.78 x 2 mm, smooth
# body-like values plus noise (-1000..1500 HU), RescaleIntercept -1024, names in random order.
"$PYTHON" - "$W/ct" $DIMS <<'PY'
import os, sys, random
import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian
out = sys.argv[1]; nx, ny, nz = map(int, sys.argv[2:5])
os.makedirs(out)
rng = np.random.default_rng(1)
y, x = np.mgrid[0:ny, 0:nx]
body = (((x - nx / 2) / (0.4 * nx))**2 + ((y - ny / 2) / (0.3 * ny))**2) <= 1
names = ["IM%05d" % i for i in range(nz)]
random.Random(2).shuffle(names)
for k in range(nz):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID = "1.2.826.0.1.3680043.2.1125.9.%d" % k
    ds.Modality = "CT"; ds.PatientID = "BENCH"; ds.PatientName = "BENCH"
    ds.StudyInstanceUID = "1.2.826.0.1.3680043.2.1125.9"
    ds.SeriesInstanceUID = "1.2.826.0.1.3680043.2.1125.9.0"
    ds.FrameOfReferenceUID = "1.2.826.0.1.3680043.2.1125.9.1"
    ds.SeriesNumber = 1; ds.InstanceNumber = k + 1
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.ImagePositionPatient = [-200.0, -200.0, -300.0 + 2.0 * k]
    ds.PixelSpacing = [0.78125, 0.78125]; ds.SliceThickness = 2.0
    ds.Rows, ds.Columns = ny, nx
    ds.SamplesPerPixel = 1; ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16; ds.BitsStored = 16; ds.HighBit = 15; ds.PixelRepresentation = 1
    ds.RescaleSlope = 1; ds.RescaleIntercept = -1024
    img = np.where(body, 1064, 24) + rng.integers(-20, 20, size=(ny, nx))
    ds.PixelData = img.astype(np.int16).tobytes()
    ds.is_little_endian = True; ds.is_implicit_VR = False
    ds.save_as(os.path.join(out, names[k]), write_like_original=False)
PY
echo "series: $DIMS voxels, $(du -sh "$W/ct" | cut -f1) in $(ls "$W/ct" | wc -l) files"

# Warm the page cache once so neither program pays the first read alone.
cat "$W"/ct/* > /dev/null

run() { # run NAME CMD...: wall seconds and peak RSS (KB) into $W/NAME.t
  /usr/bin/time -f "%e %M" -o "$W/$1.t" "${@:2}" > "$W/$1.log" 2>&1 ||
    { echo "bench_dicom_load: $1 failed:"; tail -20 "$W/$1.log"; exit 1; }
}
mkdir -p "$W/d2n"
run sirt "$SIRT" convert "$W/ct" "$W/sirt.nii"
run dcm2niix dcm2niix -z n -b n -f out -o "$W/d2n" "$W/ct"
read -r ts ms < "$W/sirt.t"
read -r td md < "$W/dcm2niix.t"
"$PYTHON" - "$ts" "$ms" "$td" "$md" "$W/sirt.nii" "$W/d2n/out.nii" <<'PY'
import sys
import numpy as np, nibabel as nb
ts, ms, td, md = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
a = np.asarray(nb.load(sys.argv[5]).dataobj, dtype=np.float64)
b = np.asarray(nb.load(sys.argv[6]).dataobj, dtype=np.float64)
print("sirt convert : %7.2f s, peak %7.1f MB (float32 output)" % (ts, ms / 1024))
print("dcm2niix     : %7.2f s, peak %7.1f MB (int16 output)" % (td, md / 1024))
print("time ratio sirt / dcm2niix: %.2f" % (ts / max(td, 1e-3)))
# Same voxels? dcm2niix keeps int16 with scl_inter; both must give the same HU (its flips
# of the in-plane axes are undone by comparing sorted values and sums).
print("same HU values (sum %.6g vs %.6g): %s" % (a.sum(), b.sum(),
      "yes" if a.shape == b.shape and abs(a.sum() - b.sum()) <= 1e-6 * abs(b.sum()) else "NO"))
PY
