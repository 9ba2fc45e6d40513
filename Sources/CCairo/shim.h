/* cairo draws the report's PDF; pango sets its text; librsvg draws the charts' SVG onto it.
 *
 * cairo's headers come by pkg-config ("cairo"). pango's and librsvg's include glib's, whose
 * pkg-config flags carry -pthread, which SwiftPM refuses with a warning on every build; so the
 * few functions of theirs that ispmon calls are declared here, as their headers declare them
 * (pango 1.50, librsvg 2.54: stable ABIs, pointers and plain numbers only). */
#include <cairo.h>
#include <cairo-pdf.h>
#include <stddef.h>
#include <stdint.h>

/* pango (pango/pango-layout.h, pango-font.h, pangocairo.h) */
typedef struct _PangoLayout PangoLayout;
typedef struct _PangoFontDescription PangoFontDescription;
typedef struct _PangoContext PangoContext;
typedef enum { PANGO_WRAP_WORD, PANGO_WRAP_CHAR, PANGO_WRAP_WORD_CHAR } PangoWrapMode;
#define PANGO_SCALE 1024
PangoLayout *pango_cairo_create_layout(cairo_t *cr);
void pango_cairo_show_layout(cairo_t *cr, PangoLayout *layout);
void pango_cairo_context_set_resolution(PangoContext *context, double dpi);
PangoContext *pango_layout_get_context(PangoLayout *layout);
void pango_layout_context_changed(PangoLayout *layout);
PangoFontDescription *pango_font_description_from_string(const char *str);
void pango_font_description_free(PangoFontDescription *desc);
void pango_layout_set_font_description(PangoLayout *layout, const PangoFontDescription *desc);
void pango_layout_set_width(PangoLayout *layout, int width);
void pango_layout_set_wrap(PangoLayout *layout, PangoWrapMode wrap);
void pango_layout_set_text(PangoLayout *layout, const char *text, int length);
void pango_layout_get_pixel_size(PangoLayout *layout, int *width, int *height);

/* glib (glib/gerror.h, gobject/gobject.h) */
typedef struct _GError { uint32_t domain; int code; char *message; } GError;
void g_error_free(GError *error);
void g_object_unref(void *object);

/* librsvg (librsvg/rsvg.h, rsvg-cairo.h) */
typedef struct _RsvgHandle RsvgHandle;
typedef struct _RsvgRectangle { double x; double y; double width; double height; } RsvgRectangle;
RsvgHandle *rsvg_handle_new_from_data(const uint8_t *data, size_t data_len, GError **error);
int rsvg_handle_render_document(RsvgHandle *handle, cairo_t *cr, const RsvgRectangle *viewport, GError **error);
