#!/usr/bin/env bash
# sirt info / sirt convert on NIfTI files written by nibabel (the peer): geometry in LPS,
# sform vs qform, units of length, scl_slope/inter, int16 data, NIfTI-2 input, bad inputs.
. "$(dirname "$0")/lib.sh"

# Test images, written by nibabel:
#  a.nii     int16, sform (code 1) = rotation 30 deg about z + flipped y and z axes, and a
#            different qform (code 1), so the sform must win; scl_slope 2.5, scl_inter -100;
#            descrip "sirt:unit=HU".
#  q.nii.gz  NIfTI-2, float32, sform_code 0, qform with a rotation about x: the qform is used.
#  m.nii     uint8, pixdim in metres (xyz_units = meter): spacing 0.002 m = 2 mm.
#  five.nii  5-D (dim[5] = 3): refused.
"$PYTHON" - "$WORK" <<'PY' || fail "nibabel could not write the test images"
import sys, numpy as np, nibabel as nb
w = sys.argv[1]
c, s = np.cos(np.pi / 6), np.sin(np.pi / 6)
A = np.array([[c * 0.8, s * 1.25, 0, -101.5],
              [s * 0.8, -c * 1.25, 0, 40.25],
              [0, 0, -2.5, 77.0],
              [0, 0, 0, 1]])
data = (np.arange(6 * 5 * 4, dtype=np.int16).reshape(6, 5, 4) * 7 - 300).astype(np.int16)
img = nb.Nifti1Image(data, A)
img.set_qform(np.diag([3.0, 3.0, 3.0, 1.0]), code=1)
img.set_sform(A, code=1)
img.header.set_slope_inter(2.5, -100.0)
img.header['descrip'] = b'sirt:unit=HU'
nb.save(img, w + '/a.nii')
ca, sa = np.cos(0.3), np.sin(0.3)
Q = np.array([[-1.5, 0, 0, 12.0], [0, 2.0 * ca, -3.0 * sa, -7.5], [0, 2.0 * sa, 3.0 * ca, 5.0], [0, 0, 0, 1]])
q = nb.Nifti2Image(np.linspace(-1, 1, 3 * 4 * 5).reshape(3, 4, 5).astype(np.float32), None)
q.set_qform(Q, code=1)
q.set_sform(None, code=0)
nb.save(q, w + '/q.nii.gz')
m = nb.Nifti1Image(np.arange(8, dtype=np.uint8).reshape(2, 2, 2), np.diag([0.002, 0.002, 0.003, 1]))
m.header.set_xyzt_units('meter')
nb.save(m, w + '/m.nii')
nb.save(nb.Nifti1Image(np.zeros((2, 2, 2, 1, 3), np.float32), np.eye(4)), w + '/five.nii')
# Sheared sform (column j leans 0.5 towards x) and a sform with a zero column (spacing 0).
nb.save(nb.Nifti1Image(np.ones((2, 2, 2), np.float32), np.array([[1, 0.5, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1.0]])), w + '/shear.nii')
f = nb.Nifti1Image(np.ones((2, 2, 2), np.float32), np.eye(4))
f.set_sform(np.diag([1.0, 1.0, 0.0, 1.0]), code=1)
nb.save(f, w + '/flat.nii')
PY

# check_against PY-EXPR WHAT: python block with `nb`, `np`, `w` (the work folder) and
# `info(name)` (the JSON written by sirt info) bound; passes when the expression is true.
check_py() {
  local out
  out=$("$PYTHON" - "$WORK" "$1" <<'PY' 2>&1
import json, sys, numpy as np, nibabel as nb
w = sys.argv[1]
def info(name): return json.load(open(w + '/' + name))
LPS = np.diag([-1.0, -1.0, 1.0, 1.0])
def lps_ok(js, nibfile, tol=1e-5):
    # tol 1e-5 mm: both sides start from the same float32 header numbers (sform rows, or
    # quaternion + pixdim) and differ only by double rounding of the same arithmetic.
    ref = LPS @ nb.load(w + '/' + nibfile).affine
    return np.allclose(np.array(info(js)['affine_lps_mm']), ref, rtol=0, atol=tol)
print("true" if eval(sys.argv[2]) else "false")
PY
) || out="error: $out"
  if [ "$out" = "true" ]; then pass "$2"; else fail "$2: [$1] is $out"; fi
}

run_sirt a info "$WORK/a.nii" --json "$WORK/a.json"
expect_rc 0 "info a.nii"
expect_grep "$WORK/a.out" "transform:   sform" "a.nii: sform used (qform differs)"
expect_grep "$WORK/a.out" "INT16" "a.nii: datatype int16"
expect_grep "$WORK/a.out" "unit:        HU" "a.nii: unit HU from descrip"
expect_grep "$WORK/a.out" "slope 2.5, intercept -100" "a.nii: slope and intercept"
check_py "lps_ok('a.json', 'a.nii')" "a.nii: LPS affine = diag(-1,-1,1) . nibabel sform"
check_py "info('a.json')['transform'] == 'sform' and info('a.json')['dims'] == [6, 5, 4]" "a.nii json: sform, dims"
# min/max/mean after scaling: int16 -300..-300+7*119=533, times 2.5 minus 100: -850..1232.5.
check_py "abs(info('a.json')['min'] - nb.load(w + '/a.nii').get_fdata().min()) < 1e-9 and abs(info('a.json')['max'] - 1232.5) < 1e-9" "a.nii: min/max scaled (max 1232.5)"
check_py "abs(info('a.json')['mean'] - nb.load(w + '/a.nii').get_fdata().mean()) < 1e-6" "a.nii: mean = nibabel's"

run_sirt q info "$WORK/q.nii.gz" --json "$WORK/q.json"
expect_rc 0 "info q.nii.gz (NIfTI-2, gzip)"
expect_grep "$WORK/q.out" "NIfTI-2" "q: NIfTI-2 recognised"
check_py "info('q.json')['transform'] == 'qform'" "q: qform used when sform_code is 0"
check_py "lps_ok('q.json', 'q.nii.gz')" "q: LPS affine = diag(-1,-1,1) . nibabel qform"

run_sirt m info "$WORK/m.nii" --json "$WORK/m.json"
expect_rc 0 "info m.nii (metres)"
check_py "np.allclose(info('m.json')['spacing_mm'], [2, 2, 3], atol=1e-4)" "m: 0.002 m -> 2 mm, 0.003 m -> 3 mm"

# Warnings: directions of the shear are (1,0,0) and (0.5,1,0)/|.|: dot = 0.4472 > 1e-4.
run_sirt shear info "$WORK/shear.nii"
expect_rc 0 "info shear.nii"
expect_grep "$WORK/shear.out" "not orthonormal" "shear: non-orthonormal warning"
run_sirt a_nowarn info "$WORK/a.nii"
if grep -q "warning" "$WORK/a_nowarn.out"; then fail "a.nii: unexpected warning"; else pass "a.nii: no warning"; fi
run_sirt flat info "$WORK/flat.nii"
expect_grep "$WORK/flat.out" "spacing along axis 2 is 0 mm" "flat: zero spacing warning"
run_sirt flatc convert "$WORK/flat.nii" "$WORK/flat_out.nii"
expect_rc 1 "flat: convert refuses zero spacing"
[ ! -e "$WORK/flat_out.nii" ] && pass "flat: no output" || fail "flat: output left"

# convert: values equal nibabel's get_fdata() (int16*2.5-100 is exact in float32), geometry
# kept, unit kept in descrip, gzip by name.
run_sirt c1 convert "$WORK/a.nii" "$WORK/a_out.nii.gz"
expect_rc 0 "convert a.nii -> a_out.nii.gz"
check_py "np.array_equal(nb.load(w + '/a_out.nii.gz').get_fdata(), nb.load(w + '/a.nii').get_fdata())" "converted voxels = nibabel get_fdata of the input"
check_py "np.allclose(nb.load(w + '/a_out.nii.gz').affine, nb.load(w + '/a.nii').affine, rtol=0, atol=1e-5)" "converted affine = input sform (1e-5 mm)"
check_py "b'sirt:unit=HU' in bytes(nb.load(w + '/a_out.nii.gz').header['descrip'])" "unit kept in descrip"
check_py "open(w + '/a_out.nii.gz', 'rb').read(2) == bytes([0x1f, 0x8b])" "a_out.nii.gz is gzip"
run_sirt c2 convert "$WORK/q.nii.gz" "$WORK/q_out.nii"
expect_rc 0 "convert NIfTI-2 .nii.gz -> NIfTI-1 .nii"
check_py "np.array_equal(nb.load(w + '/q_out.nii').get_fdata(), nb.load(w + '/q.nii.gz').get_fdata())" "q converted voxels identical"
check_py "np.allclose(nb.load(w + '/q_out.nii').affine, nb.load(w + '/q.nii.gz').affine, rtol=0, atol=1e-5)" "q converted affine = input qform (1e-5 mm)"
check_py "open(w + '/q_out.nii', 'rb').read(4) == (348).to_bytes(4, 'little')" "q_out.nii is NIfTI-1, not gzip"
run_sirt c3 info "$WORK/a_out.nii.gz" --json "$WORK/a2.json"
check_py "np.allclose(info('a2.json')['affine_lps_mm'], info('a.json')['affine_lps_mm'], rtol=0, atol=1e-5) and info('a2.json')['unit'] == 'HU'" "round trip through sirt: same LPS geometry and unit"
# NIfTI-2 output (sirt_image_write_nifti2: nifticlib's nifti_2_header, our bytes; nifticlib
# 3.0.1's own writer loses the header): nibabel must see a Nifti2Image with the same voxels and
# affine, plain and gzip. Tolerance 1e-5 mm as above (same float numbers, double arithmetic).
for ext in nii nii.gz; do
  run_sirt "n2_$ext" convert "$WORK/a.nii" "$WORK/n2.$ext" --nifti2
  expect_rc 0 "convert --nifti2 -> n2.$ext"
  check_py "type(nb.load(w + '/n2.$ext')).__name__ == 'Nifti2Image' and int(nb.load(w + '/n2.$ext').header['sizeof_hdr']) == 540" "n2.$ext: nibabel reads a Nifti2Image (sizeof_hdr 540)"
  check_py "np.array_equal(nb.load(w + '/n2.$ext').get_fdata(), nb.load(w + '/a.nii').get_fdata())" "n2.$ext: voxels = input's"
  check_py "np.allclose(nb.load(w + '/n2.$ext').affine, nb.load(w + '/a.nii').affine, rtol=0, atol=1e-5)" "n2.$ext: affine = input sform (1e-5 mm)"
  check_py "b'sirt:unit=HU' in bytes(nb.load(w + '/n2.$ext').header['descrip']) and nb.load(w + '/n2.$ext').dataobj.offset == 544" "n2.$ext: unit in descrip, data at byte 544"
done
check_py "open(w + '/n2.nii.gz', 'rb').read(2) == bytes([0x1f, 0x8b]) and open(w + '/n2.nii', 'rb').read(4) == (540).to_bytes(4, 'little')" "n2.nii.gz is gzip, n2.nii is not"
run_sirt n2i info "$WORK/n2.nii.gz" --json "$WORK/n2.json"
expect_grep "$WORK/n2i.out" "NIfTI-2" "sirt info: n2.nii.gz read back as NIfTI-2"
check_py "np.allclose(info('n2.json')['affine_lps_mm'], info('a.json')['affine_lps_mm'], rtol=0, atol=1e-5)" "n2 round trip through sirt: same LPS geometry"

# Bad inputs: exit 1, the path named, nothing written.
printf 'not a nifti file at all, just text\n%.0s' {1..20} >"$WORK/text.nii"
head -c 200 "$WORK/a.nii" >"$WORK/trunc_hdr.nii"
head -c 500 "$WORK/a.nii" >"$WORK/trunc_data.nii"
for bad in text trunc_hdr trunc_data five missing; do
  run_sirt "bad_$bad" convert "$WORK/$bad.nii" "$WORK/out_$bad.nii"
  expect_rc 1 "convert $bad.nii refused"
  expect_grep "$WORK/bad_$bad.err" "$WORK/$bad.nii" "$bad: message names the path"
  [ ! -e "$WORK/out_$bad.nii" ] && pass "$bad: no output" || fail "$bad: output left"
  run_sirt "badi_$bad" info "$WORK/$bad.nii" --json "$WORK/out_$bad.json"
  expect_rc 1 "info $bad.nii refused"
  [ ! -e "$WORK/out_$bad.json" ] && pass "$bad: no json" || fail "$bad: json left"
done
expect_grep "$WORK/bad_five.err" "5-D" "five: says 5-D"
ls "$WORK" | grep -q "tmp" && fail "temporary files left: $(ls "$WORK" | grep tmp)" || pass "no temporary files left"
finish
