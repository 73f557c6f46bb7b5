//! QR codes for links: SVG and PNG rendering and saving to a user-chosen path.

use base64::Engine;
use qrcode::{Color, EcLevel, QrCode};

use crate::types::QrFormat;
use wwdev_core::error::{UiError, UiResult};

const QUIET_ZONE: usize = 4;
const PNG_MODULE_PX: usize = 8;

fn code(text: &str) -> UiResult<QrCode> {
    if text.is_empty() {
        return Err(UiError::invalid_input("Nothing to encode: the text is empty.", "没有可编码的内容：文本为空。"));
    }
    // Level M: phone cameras read it off a monitor reliably, and long OAuth URLs still fit.
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| {
        UiError::invalid_input(
            format!("The text cannot be a QR code: {e} ({} bytes).", text.len()),
            format!("该文本（{} 字节）无法生成二维码（详情：{e}）。", text.len()),
        )
        .hint2("Shorten the link (e.g. a shorter state or redirect path).", "请缩短链接（例如更短的 state 或回调路径）。")
    })
}

pub fn svg(text: &str) -> UiResult<String> {
    Ok(code(text)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build())
}

pub fn png(text: &str) -> UiResult<Vec<u8>> {
    let code = code(text)?;
    let w = code.width();
    let colors = code.to_colors();
    let side = (w + 2 * QUIET_ZONE) * PNG_MODULE_PX;
    let mut pixels = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c == Color::Dark {
            let (mx, my) = (i % w + QUIET_ZONE, i / w + QUIET_ZONE);
            for y in my * PNG_MODULE_PX..(my + 1) * PNG_MODULE_PX {
                pixels[y * side + mx * PNG_MODULE_PX..y * side + (mx + 1) * PNG_MODULE_PX].fill(0);
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, side as u32, side as u32);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut wr = enc.write_header().map_err(|e| UiError::internal(e.to_string()))?;
        wr.write_image_data(&pixels).map_err(|e| UiError::internal(e.to_string()))?;
    }
    Ok(out)
}

pub fn png_base64(text: &str) -> UiResult<String> {
    Ok(base64::engine::general_purpose::STANDARD.encode(png(text)?))
}

/// Writes the QR code to `path`, which comes from the save dialog. The extension must
/// match the format, so the webview cannot use this to overwrite arbitrary files.
pub fn save(text: &str, format: QrFormat, path: &str) -> UiResult<()> {
    let p = std::path::Path::new(path);
    let ext = p.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase());
    let want = match format {
        QrFormat::Png => "png",
        QrFormat::Svg => "svg",
    };
    if ext.as_deref() != Some(want) || !p.is_absolute() {
        return Err(UiError::invalid_input(
            format!("Refusing to save a {want} QR code to \"{path}\"."),
            format!("拒绝把 {want} 二维码保存到「{path}」。"),
        )
        .hint2(
            format!("Choose an absolute file path ending in .{want} in the save dialog."),
            format!("请在保存对话框中选择以 .{want} 结尾的绝对路径。"),
        ));
    }
    let bytes = match format {
        QrFormat::Png => png(text)?,
        QrFormat::Svg => svg(text)?.into_bytes(),
    };
    std::fs::write(p, bytes).map_err(|e| {
        UiError::storage(format!("Could not write {path}: {e}"), format!("无法写入 {path}（详情：{e}）"))
            .hint2("Pick a folder you can write to.", "请选择一个可写的文件夹。")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_decodes_to_a_square_with_dark_modules() {
        let bytes = png("https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1").unwrap();
        let dec = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut r = dec.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size()];
        let info = r.next_frame(&mut buf).unwrap();
        assert_eq!(info.width, info.height);
        assert_eq!(info.width as usize % PNG_MODULE_PX, 0);
        let px = &buf[..info.buffer_size()];
        assert!(px.contains(&0) && px.contains(&255));
        // Quiet zone: the first row is white.
        assert!(px[..info.width as usize].iter().all(|&p| p == 255));
    }

    #[test]
    fn svg_and_save() {
        let s = svg("hello").unwrap();
        assert!(s.starts_with("<?xml") && s.contains("<svg"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.svg");
        save("hello", QrFormat::Svg, path.to_str().unwrap()).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), s);
        let wrong = dir.path().join("q.txt");
        assert!(save("hello", QrFormat::Svg, wrong.to_str().unwrap()).is_err());
        assert!(save("hello", QrFormat::Png, "relative.png").is_err());
        assert!(svg("").is_err());
        assert!(png(&"x".repeat(5000)).is_err());
    }

    /// The qrcode crate's and the OS's own English text is only a labelled detail of
    /// the Chinese message.
    #[test]
    fn chinese_messages_label_library_text() {
        use wwdev_core::error::english_in;
        let too_long = svg(&"x".repeat(5000)).unwrap_err();
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing").join("q.svg");
        let unwritable = save("hello", QrFormat::Svg, missing.to_str().unwrap()).unwrap_err();
        for e in [too_long, unwritable] {
            assert!(e.message_zh.contains("（详情："), "{e:?}");
            assert_eq!(english_in(&e.message_zh), None, "{e:?}");
        }
    }
}
