import Hummingbird
import TrackAPI
import TrackCore

/// Health, version and server capabilities.
struct ServiceRoutes {
    static let version = "3.17.2"

    func register(on router: Router<TrackRequestContext>, api: inout APIRouter) {
        router.get("/health") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: ResponseBody(byteBuffer: ByteBuffer(string: "OK")))
        }
        router.get("/version") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: ResponseBody(byteBuffer: ByteBuffer(string: Self.version)))
        }
        for prefix in ["/api/3.0/mlflow", "/ajax-api/3.0/mlflow"] {
            router.get(RouterPath("\(prefix)/server-info")) { _, _ in
                JSONResponse.make { writer in
                    writer.beginObject()
                    writer.key("store_type"); writer.string("SqlStore")
                    writer.key("workspaces_enabled"); writer.bool(false)
                    writer.key("trace_archival_enabled"); writer.bool(false)
                    writer.key("multipart_uploads_enabled"); writer.bool(false)
                    writer.key("multipart_downloads_enabled"); writer.bool(false)
                    writer.key("presigned_upload_run_id_supported"); writer.bool(false)
                    writer.key("presigned_upload_model_id_supported"); writer.bool(false)
                    writer.endObject()
                }
            }
        }
    }
}
