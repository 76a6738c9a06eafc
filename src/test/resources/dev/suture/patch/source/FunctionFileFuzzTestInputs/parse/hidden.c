// SUTURE_REPLACE(commented, out);
/* SUTURE_REPLACE(block,
 comment); */
static const char *s = "SUTURE_REPLACE(in, \"string)";
#define MINE SUTURE_REPLACE(macro, body)
SUTURE_REPLACE(real_one, mine);
