/* Writing a JSON result file from the CLI (one way for every command). */
#include <stdlib.h>

#include "cli.h"
#include "core/json_write.h"

sirt_status sirt_cli_write_json(const char *path, const cJSON *root, sirt_error *err)
{
    char *text = NULL;
    size_t len = 0;
    sirt_status st = sirt__json_print(root, &text, &len, err);
    if (st == SIRT_OK)
        st = sirt_write_file_atomic(path, text, len, err);
    free(text);
    return st;
}
