#!/usr/bin/env bash
# Images other software wrote, shipped inside Debian's packages and found at test time: the
# NIfTI files of python3-nibabel's test data, read by sirt and by nibabel, must agree on the
# grid, the LPS affine and every voxel. (pydicom's shipped DICOM files are compared in
# test_dicom_read.sh; Debian's dcmtk package ships no DICOM images.)
. "$(dirname "$0")/lib.sh"
data=$("$PYTHON" -c "import nibabel, os; print(os.path.join(os.path.dirname(nibabel.__file__), 'tests', 'data'))" 2>/dev/null)
n=0
for name in anatomical.nii functional.nii standard.nii.gz reoriented_anat_moved.nii \
            resampled_anat_moved.nii example_nifti2.nii.gz; do
  f="$data/$name"
  [ -f "$f" ] || { echo "SKIP: $name not shipped by this nibabel"; continue; }
  n=$((n + 1))
  run_sirt "info$n" info "$f" --json "$WORK/$n.json"
  # 4-D files (functional, example_nifti2) are refused with a clear message: sirt takes 3-D.
  four_d=$("$PYTHON" -c "import nibabel as nb,sys; s=nb.load(sys.argv[1]).shape; print(int(len(s) > 3 and any(d > 1 for d in s[3:])))" "$f")
  if [ "$four_d" = 1 ]; then
    expect_rc 1 "$name: 4-D refused"
    expect_grep "$WORK/info$n.err" "only 3-D" "$name: the message says why"
    continue
  fi
  expect_rc 0 "$name: sirt info"
  run_sirt "conv$n" convert "$f" "$WORK/$n.nii.gz"
  expect_rc 0 "$name: sirt convert"
  # Same voxels (float32 of nibabel's scaled data) and the LPS affine = diag(-1,-1,1) · nibabel's
  # affine (RAS), to 1e-4 mm (float32 header fields).
  if "$PYTHON" - "$f" "$WORK/$n.json" "$WORK/$n.nii.gz" <<'PY'
import json, sys
import numpy as np, nibabel as nb
src = nb.load(sys.argv[1]); info = json.load(open(sys.argv[2])); out = nb.load(sys.argv[3])
a = np.asarray(src.dataobj, dtype=np.float64).reshape(src.shape[:3])
# nifticlib replaces non-finite float voxels by 0 when it reads (resampled_anat_moved.nii has
# 153 NaN); sirt inherits that (docs/images.md, open point: it should be a visible warning).
a = np.where(np.isfinite(a), a, 0.0)
b = np.asarray(out.dataobj, dtype=np.float64)
assert a.shape == b.shape, (a.shape, b.shape)
assert np.allclose(a.astype(np.float32), b, rtol=1e-6, atol=1e-6), "voxels differ"
lps = np.diag([-1, -1, 1, 1]) @ src.affine
assert np.allclose(np.array(info["affine_lps_mm"]), lps, atol=1e-4), (info["affine_lps_mm"], lps)
assert np.allclose(out.affine, src.affine, atol=1e-4), "converted affine"
PY
  then pass "$name: sirt and nibabel agree (grid, affine, voxels)"; else fail "$name: sirt and nibabel disagree"; fi
done
[ "$n" -ge 3 ] && pass "$n nibabel files checked" || fail "only $n nibabel data files found in '$data'"
finish
