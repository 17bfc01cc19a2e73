/* The one way JSON output is written (core/json_write.h): null for numbers that were not
 * computed, newline-terminated text, ENOMEM for a tree that could not be built. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "check.h"
#include "core/json_write.h"

int main(void)
{
    cJSON *o = cJSON_CreateObject();
    check_true(sirt__json_add_number(o, "dose_gy", 120.0) != NULL, "finite number added");
    check_true(sirt__json_add_number(o, "nan_gy", NAN) != NULL, "NaN added");
    check_true(sirt__json_add_number(o, "inf_gy", INFINITY) != NULL, "Inf added");
    check_true(sirt__json_add_number(o, "minus_inf_gy", -INFINITY) != NULL, "-Inf added");
    check_true(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "dose_gy")), "dose_gy number");
    check_rel(cJSON_GetObjectItemCaseSensitive(o, "dose_gy")->valuedouble, 120.0, 0, "value 120");
    /* Not computed is a key with null, never omitted and never a NaN number. */
    check_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "nan_gy")), "NaN -> null");
    check_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "inf_gy")), "Inf -> null");
    check_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "minus_inf_gy")), "-Inf -> null");
    check_true(sirt__json_add_number(NULL, "x", 1.0) == NULL, "NULL object gives NULL");

    sirt_error err = {0};
    char *text = NULL;
    size_t len = 0;
    check_int(sirt__json_print(o, &text, &len, &err), SIRT_OK, "print");
    check_true(text != NULL, "text returned");
    if (text) {
        check_int((long)len, (long)strlen(text), "length excludes the NUL");
        check_true(len > 0 && text[len - 1] == '\n', "ends with a newline");
        check_true(len > 1 && text[len - 2] == '}', "one newline after the object");
        check_true(strstr(text, "\"nan_gy\":\tnull") != NULL, "null in the text: %s", text);
        cJSON *back = cJSON_ParseWithLengthOpts(text, len, NULL, 0);
        check_true(back && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(back, "inf_gy")),
                   "text parses back with null");
        cJSON_Delete(back);
    }
    free(text);
    cJSON_Delete(o);

    /* len_out may be NULL. */
    cJSON *empty = cJSON_CreateObject();
    text = NULL;
    check_int(sirt__json_print(empty, &text, NULL, NULL), SIRT_OK, "print without length");
    check_str(text, "{\n}\n", "empty object, newline-terminated");
    free(text);
    cJSON_Delete(empty);

    /* A tree that could not be built (NULL root) is out of memory; *text_out stays NULL. */
    text = (char *)"sentinel";
    sirt_error e2 = {0};
    check_int(sirt__json_print(NULL, &text, &len, &e2), SIRT_ENOMEM, "NULL root -> ENOMEM");
    check_true(text == NULL, "text NULL on failure");
    check_int((long)len, 0, "length 0 on failure");
    check_int(e2.status, SIRT_ENOMEM, "error status recorded");
    check_true(strstr(e2.message, "out of memory") != NULL, "message: %s", e2.message);
    return check_failures();
}
