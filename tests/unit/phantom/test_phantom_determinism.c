/* Phantom determinism: the same seed gives the same voxels and truth bytes (whatever the
 * thread schedule), another seed gives other noise but the same anatomy. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sirt/phantom.h"

static int same_image(const sirt_image *a, const sirt_image *b)
{
    return a->nx == b->nx && a->ny == b->ny && a->nz == b->nz &&
           memcmp(a->voxels, b->voxels, sirt_image_voxel_count(a) * sizeof(float)) == 0;
}

int main(void)
{
    sirt_error err = {0};
    sirt_phantom_options opt = sirt_phantom_options_default();
    sirt_phantom_options_set_size(&opt, "tiny", &err);
    opt.seed = 42;
    sirt_phantom *a = NULL, *b = NULL, *c = NULL;
    check_int(sirt_phantom_generate(&opt, &a, &err), SIRT_OK, "generate seed 42");
    check_int(sirt_phantom_generate(&opt, &b, &err), SIRT_OK, "generate seed 42 again");
    opt.seed = 43;
    check_int(sirt_phantom_generate(&opt, &c, &err), SIRT_OK, "generate seed 43");
    if (!a || !b || !c)
        return check_failures();
    for (int i = 0; i < SIRT_PHANTOM_N_IMAGES; i++) {
        const sirt_image *ia = sirt_phantom_get_image(a, (sirt_phantom_image_id)i);
        const sirt_image *ib = sirt_phantom_get_image(b, (sirt_phantom_image_id)i);
        const sirt_image *ic = sirt_phantom_get_image(c, (sirt_phantom_image_id)i);
        const char *name = sirt_phantom_image_name((sirt_phantom_image_id)i);
        check_true(same_image(ia, ib), "%s: same seed, same voxels", name);
        /* Noise-free images (labels, truths) do not depend on the seed; noisy ones do. */
        const int noisy = i == SIRT_PHANTOM_CT || i == SIRT_PHANTOM_MAA_SPECT ||
                          i == SIRT_PHANTOM_PET || i == SIRT_PHANTOM_HO_SPECT;
        check_true(same_image(ia, ic) == !noisy, "%s: other seed, %s", name,
                   noisy ? "other noise" : "same values");
    }
    char *ta = NULL, *tb = NULL, *tc = NULL;
    check_int(sirt_phantom_truth_json(a, SIRT_PHANTOM_FORMAT_NIFTI, &ta, &err), SIRT_OK, "truth a");
    check_int(sirt_phantom_truth_json(b, SIRT_PHANTOM_FORMAT_NIFTI, &tb, &err), SIRT_OK, "truth b");
    check_int(sirt_phantom_truth_json(c, SIRT_PHANTOM_FORMAT_NIFTI, &tc, &err), SIRT_OK, "truth c");
    if (ta && tb && tc) {
        check_true(strcmp(ta, tb) == 0, "same seed: same truth.json");
        check_true(strcmp(ta, tc) != 0, "other seed: other truth.json (seed, noisy counts)");
        check_true(strstr(ta, "\"seed\":\t42") != NULL, "truth names the seed");
    }
    free(ta);
    free(tb);
    free(tc);
    sirt_phantom_free(a);
    sirt_phantom_free(b);
    sirt_phantom_free(c);
    return check_failures();
}
