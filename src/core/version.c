#include "sirt/sirt.h"
#include "sirt_config.h"

const char *sirt_version(void)
{
    return SIRT_VERSION_STRING;
}
