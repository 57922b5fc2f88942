
no runtime