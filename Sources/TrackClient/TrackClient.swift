import AsyncHTTPClient
import TrackAPI
import TrackCore
